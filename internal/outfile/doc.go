// Package outfile creates the files that users name on a command line or
// in the shell (an export, a generated workload): written under a
// temporary name beside the target and put in place whole when complete,
// never inside a protected directory such as the store's, and never over
// an existing file unless asked to.
//
//	f, err := outfile.Create(path, outfile.Options{Protect: []string{db.Dir()}})
//	if err != nil {
//		return err
//	}
//	defer f.Abort()
//	... write to f ...
//	return f.Commit()
//
// A file is refused inside a protected directory whatever the path
// looks like: relative, through "..", or through a symbolic link to the
// directory or into it. Overwriting is refused atomically: Commit links
// the finished file to its name, which fails if a file appeared there
// meanwhile, instead of checking and then renaming.
package outfile
