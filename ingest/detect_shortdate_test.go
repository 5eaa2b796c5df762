package ingest

import (
	"testing"

	"github.com/logdb/logdb/engine"
)

// Ensure that the two-digit-year layouts of Spark, Hadoop HDFS and the
// "yyyyMMdd-HH:mm:ss:SSS|" pipes give time and level, and that numbers that
// only look like them do not.
func TestDetectShortDates(t *testing.T) {
	runDetectTests(t, []detectTest{
		{"Spark", "17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers",
			at(2017, 6, 9, 20, 10, 40, 0), engine.Info, "INFO", layoutShortDate},
		{"Spark warn", "17/06/09 20:11:11 WARN storage.BlockManager: Putting block rdd_2_0 failed",
			at(2017, 6, 9, 20, 11, 11, 0), engine.Warn, "WARN", layoutShortDate},
		{"HDFS", "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
			at(2008, 11, 9, 20, 36, 15, 0), engine.Info, "INFO", layoutHDFS},
		{"HDFS warn", "081109 214043 2561 WARN dfs.DataNode$DataXceiver: 10.251.30.6:50010:Got exception while serving",
			at(2008, 11, 9, 21, 40, 43, 0), engine.Warn, "WARN", layoutHDFS},
		{"pipe", "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
			at(2017, 12, 23, 22, 15, 29, 606000000), engine.NoLevel, "", layoutPipe},
		{"pipe with level", "20171223-22:15:29:606|Step_LSC|30002312| ERROR x",
			at(2017, 12, 23, 22, 15, 29, 606000000), engine.Error, "ERROR", layoutPipe},
		{"HDFS bad month", "081309 203615 148 INFO x", none, engine.Info, "INFO", layoutFields},
		{"six digits then text", "123456 apples", none, engine.NoLevel, "", ""},
		{"slashes without time", "17/06/09 started", none, engine.NoLevel, "", ""},
	})
}
