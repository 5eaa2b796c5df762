package repl

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/logdb/logdb/engine"
	"github.com/logdb/logdb/internal/testutil"
)

// Ensure that a job name, label and message holding control characters
// show escaped in the shell's tables, \detail, \read, \runs and \follow,
// so that they cannot forge rows or colours, while the shell's own level
// and status colours still work.
func TestShell_EscapesControls(t *testing.T) {
	db := testutil.MustOpenDB(t, nil)
	job := "a\nb"
	mustAppend(t, db, engine.Entry{Job: job, Time: t0.UnixNano(), Level: engine.Error, Message: "boom\x1b[2J\rforged\u009b",
		Labels: engine.Labels{{Name: "env\x1b", Value: "\r\x1b[31m"}}})
	if err := db.FinishRun(context.Background(), job, 0, engine.RunResult{Status: engine.Failed, ExitCode: 1, Message: "died\x1b[0m\nok", Ended: t0.Add(time.Second).UnixNano()}); err != nil {
		t.Fatal(err)
	}
	// A job the shell's line can name: an escape but no blank.
	const job2 = "c\x1b[2Jd"
	mustAppend(t, db, engine.Entry{Job: job2, Time: t0.UnixNano(), Level: engine.Info, Message: "hi\x1b[0m"})
	if err := db.FinishRun(context.Background(), job2, 0, engine.RunResult{Status: engine.Failed, ExitCode: 1, Message: "died\x1b[0m\nok", Ended: t0.Add(time.Second).UnixNano()}); err != nil {
		t.Fatal(err)
	}
	st := newShell(t, db, `level=Error`, `\detail 1`, `\columns time,level,job,env,labels,msg`, `level=Error`, `\read `+job2, `\runs`, `\runs | fields job, env`, `\follow `+job2)
	st.sh.TTY, st.sh.Color = true, true
	st.run(t)
	out := st.out.String()
	if e := st.err.String(); e != "" {
		t.Fatalf("err: %s\nout:\n%s", e, out)
	}
	if !strings.Contains(out, sgrRed+"Error"+sgrReset) || !strings.Contains(out, sgrRed+"failed"+sgrReset) {
		t.Errorf("the level and status colours are gone:\n%q", out)
	}
	plain := out
	for _, sgr := range []string{sgrReset, sgrRed, sgrBRed, sgrYellow, sgrGreen, sgrCyan, sgrDim, sgrBold} {
		plain = strings.ReplaceAll(plain, sgr, "")
	}
	for i, r := range plain {
		if r < ' ' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f {
			t.Fatalf("raw control %U at %d of:\n%q", r, i, plain)
		}
	}
	for _, want := range []string{`a\nb/0:1`, `boom\x1b[2J\rforged\u009b`, `env\x1b=\r\x1b[31m`, `died\x1b[0m\nok`, `c\x1b[2Jd/0`, `hi\x1b[0m`} {
		if !strings.Contains(plain, want) {
			t.Errorf("out lacks %s:\n%s", want, plain)
		}
	}
}
