package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/ristretto/v2/z"

	"github.com/logdb/logdb/internal/verified"
)

// ErrDamaged is wrapped by the errors of Open when a file of the store is
// damaged (truncated, missing or failing its checksum) and by DamageError.
// Nothing is repaired or deleted: the error names the file, and `logdb
// verify` or a restore from a backup is the way on.
var ErrDamaged = errors.New("engine: store is damaged")

// damageHint ends every error about damage found while reading.
const damageHint = "run `logdb verify` to see what is readable, or restore the directory from a backup"

// openDamageHint ends every error about a file that keeps the store from
// opening. Nothing has been changed: Badger has not seen the directory.
const openDamageHint = "logdb has changed nothing; restore the directory from a backup, and keep a copy of this one for what it still holds"

// verifiedTables, in the data directory's parent, lists the tables
// checkBadgerFiles verified.
const verifiedTables = "VERIFIED"

// checkBadgerFiles inspects the Badger directory before Badger opens it.
//
// Badger trusts its files: a truncated or bit-flipped table makes it panic
// in a goroutine of its own while opening (which no recover of ours can
// catch), a table that fails its checksum is skipped with a log line (its
// keys silently vanish), and a table the MANIFEST no longer lists is
// deleted. So before Badger sees the directory, each table the MANIFEST
// lists is opened here, under recover, with every block's checksum
// verified, and a table on disk the MANIFEST does not list is an error
// unless the store was not closed (see openmark.go) and the table is newer
// than every listed one: a flush or compaction a crash cut short before its
// MANIFEST record, whose table Badger rightly discards. After a clean close
// an unlisted table means the MANIFEST lost records, and Badger would
// delete the table with the lines in it.
//
// It reads the tables that are new or changed since their last check, or
// were last checked more than a day ago (package verified); blocks live in
// the value log, so the tables hold only keys, summaries, run records and
// unsealed tails (a few MB for 1M lines). Then it checks the logs Badger
// replays (checkLogs): read-only, only the write-ahead logs.
func checkBadgerFiles(dir string, mark openMark, readOnly bool) error {
	crashed := mark != markClean
	mfPath := filepath.Join(dir, badger.ManifestFilename)
	fp, err := os.Open(mfPath)
	if errors.Is(err, os.ErrNotExist) {
		if err := checkNoTables(dir); err != nil {
			return err
		}
		return checkLogs(dir, mark, !readOnly)
	}
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", mfPath, err)
	}
	mf, _, err := badger.ReplayManifestFile(fp, 0, badger.DefaultOptions(dir))
	fp.Close()
	if err != nil {
		return fmt.Errorf("%w: %s: %v; %s", ErrDamaged, mfPath, err, openDamageHint)
	}

	onDisk, err := tableFiles(dir)
	if err != nil {
		return err
	}
	var maxListed uint64
	for id := range mf.Tables {
		maxListed = max(maxListed, id)
		if _, ok := onDisk[id]; !ok {
			return fmt.Errorf("%w: %s is missing (the MANIFEST lists it); %s",
				ErrDamaged, table.NewFilename(id, dir), openDamageHint)
		}
	}
	var unlisted []string
	for id, name := range onDisk {
		if _, ok := mf.Tables[id]; !ok && (id < maxListed || !crashed) {
			unlisted = append(unlisted, name)
		}
	}
	if len(mf.Tables) == 0 && crashed {
		// A crash before the first flush's record leaves its table, the
		// store's first (ID 1), unlisted; any other table with none
		// listed is a MANIFEST cut to its header.
		for id, name := range onDisk {
			if id != 1 || len(onDisk) > 1 {
				unlisted = append(unlisted, name)
			}
		}
	}
	if len(unlisted) > 0 {
		sort.Strings(unlisted)
		return fmt.Errorf("%w: the MANIFEST does not list %s: it has lost records (truncated?); %s",
			ErrDamaged, strings.Join(unlisted, ", "), openDamageHint)
	}

	ids := make([]uint64, 0, len(mf.Tables))
	for id := range mf.Tables {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	// Tables verified before and unchanged since are not read again (see
	// package verified); the record lives beside data/.
	rec := verified.Load(filepath.Join(filepath.Dir(dir), verifiedTables))
	now := time.Now()
	for _, id := range ids {
		name := table.NewFilename(id, dir)
		if err := rec.Check(name, now, func() error { return checkTable(name, mf.Tables[id].Compression) }); err != nil {
			return err
		}
	}
	// Best effort: without the record the next Open reads every table.
	_ = rec.Save()
	// Read-only, Badger replays the write-ahead logs but truncates
	// nothing, and it does not replay the value log: a damaged entry there
	// is found by the checksum of the block or summary it holds, when it
	// is read. (The last value log can be 128 MiB: 45 ms of CRC for a
	// query that takes 5; the written part of a write-ahead log is a
	// memtable's, 16 MiB at most.)
	return checkLogs(dir, mark, !readOnly)
}

// checkNoTables fails if dir holds tables but no MANIFEST: Badger would
// start an empty store beside them.
func checkNoTables(dir string) error {
	onDisk, err := tableFiles(dir)
	if err != nil || len(onDisk) == 0 {
		return err
	}
	return fmt.Errorf("%w: %s is missing but the directory holds %d tables; %s",
		ErrDamaged, filepath.Join(dir, badger.ManifestFilename), len(onDisk), openDamageHint)
}

// tableFiles returns the tables in dir by ID.
func tableFiles(dir string) (map[uint64]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	if err != nil {
		return nil, err
	}
	m := make(map[uint64]string, len(names))
	for _, n := range names {
		if id, ok := table.ParseFileID(n); ok {
			m[id] = n
		}
	}
	return m, nil
}

// checkTable opens one table read-only and verifies the checksum of every
// block, turning Badger's panics on a malformed file into an error.
func checkTable(name string, c options.CompressionType) (err error) {
	fi, err := os.Stat(name)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, err)
	}
	if fi.Size() == 0 {
		return fmt.Errorf("%w: %s is empty; %s", ErrDamaged, name, openDamageHint)
	}
	mf, err := z.OpenMmapFile(name, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", name, err)
	}
	open := true
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s is malformed (truncated or overwritten); %s", ErrDamaged, name, openDamageHint)
		}
		if open {
			mf.Close(-1)
		}
	}()
	_, err = table.OpenTable(mf, table.Options{
		ChkMode:     options.OnTableRead,
		Compression: c,
		BlockSize:   4 << 10,
	})
	if err != nil {
		// OpenTable closes the file when a checksum fails, not otherwise.
		open = !strings.Contains(err.Error(), "failed to verify checksum")
		return fmt.Errorf("%w: %s: %v; %s", ErrDamaged, name, err, openDamageHint)
	}
	return nil
}
