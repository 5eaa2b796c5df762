package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

func init() {
	register(&command{
		name:    "version",
		summary: "print the version of logdb",
		usage:   "usage: logdb version\n\nPrints the version of logdb and of the Go toolchain that built it.\n",
		run: func(m *Main, _ context.Context, g *globals, args []string) error {
			pos, err := parseArgs(newFlagSet("version", g), args)
			if err != nil {
				return err
			}
			if err := noArgs(pos); err != nil {
				return err
			}
			v, goVersion := "(devel)", ""
			if bi, ok := debug.ReadBuildInfo(); ok {
				goVersion = bi.GoVersion
				if bi.Main.Version != "" {
					v = bi.Main.Version
				}
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						v += " " + s.Value[:12]
					}
				}
			}
			fmt.Fprintf(m.Stdout, "logdb %s %s\n", v, goVersion)
			return nil
		},
	})
}
