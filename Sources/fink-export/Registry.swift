import CSVSink
import FinkExport
import HDF5Sink
import JSONLinesSink
import ParquetSink
import SQLiteSink
import VOTableSink

extension SinkRegistry {
    /// The formats this build of fink-export writes.
    static func standard() -> SinkRegistry {
        // The formats' names and extensions are distinct, so registration cannot fail.
        try! SinkRegistry([CSVFormat(), JSONLinesFormat(), SQLiteFormat(), HDF5Format(), VOTableFormat(), ParquetFormat()])
    }
}
