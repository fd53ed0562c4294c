import CSVSink
import FinkExport
import HDF5Sink
import JSONLinesSink
import ParquetSink
import SinkConformance
import SQLiteSink
import VOTableSink

/// Every built-in format, and the FITS plugin, with the objects file it writes and the kit's reader of it, for the
/// suites that run one export per format and read it back.
enum EveryFormat {
    static let sinks: [(format: any SinkFormat, file: String, reader: any SinkFileReader)] = [
        (CSVFormat(), "objects.csv", CSVFileReader()), (JSONLinesFormat(), "objects.jsonl", JSONLinesFileReader()),
        (SQLiteFormat(), "objects.sqlite", SQLiteFileReader()), (HDF5Format(), "objects.h5", HDF5FileReader()),
        (VOTableFormat(), "objects.vot", VOTableFileReader()), (ParquetFormat(), "objects.parquet", ParquetFileReader()),
        (Plugins.fits, "objects.fits", FITSFileReader()),
    ]

    /// The positions in ``sinks``, for parameterised tests.
    static let indices = Array(sinks.indices)
}
