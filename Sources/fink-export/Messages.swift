import FinkExport

/// The core's typed errors, warnings and notices as the command line says them: the core's
/// own sentence, with the option that changes the outcome named where one does.
enum Messages {
    /// How a query argument is given on the command line.
    static func option(_ argument: QueryArgument) -> String {
        switch argument {
        case .count: return "--n"
        case .startDate: return "--start-date"
        case .stopDate: return "--stop-date"
        }
    }

    static func text(_ error: QueryError) -> String {
        switch error {
        case .countTooSmall(let count): return "--n must be at least 1 (got \(count))"
        case .countTooLarge(let count, let maximum):
            return "--n \(count) is beyond what the anomaly table holds (about 10 alerts a night); use at most \(maximum)"
        case .notADate(let argument, let text):
            return "\(option(argument)) \"\(text)\" is not a date: use YYYY-MM-DD, optionally with THH:MM:SS (UTC)"
        case .notARealDate(let argument, let text): return "\(option(argument)) \"\(text)\" is not a real date and time"
        case .startAfterStop(let start, let stop): return "--start-date \(start) is after --stop-date \(stop)"
        }
    }

    static func text(_ error: MappingError) -> String {
        switch error {
        case .emptyColumnName: return "--columns holds an empty column name"
        case .repeatedColumn(let name): return "--columns names \(name) twice"
        case .nameCollision: return "\(error); use --names fink or select one of them with --columns"
        case .lateColumn: return "\(error); name it with --columns to export it"
        default: return error.description
        }
    }

    static func text(_ error: DataError) -> String {
        guard case .mapping(let source, let mapping) = error else { return error.description }
        if case .objectsAnswer = source { return "\(source): \(text(mapping))" }
        return text(mapping)
    }

    static func text(_ error: ResumeError) -> String {
        switch error {
        case .otherRequests(let output, let difference):
            var detail = difference.description
            if case .batchSize(let saved, let now) = difference { detail = "--batch-size \(saved), now \(now)" }
            return "the interrupted export to \(output) asked for other data (\(detail)); run without --resume to start over"
        case .unreadable: return "\(error); run without --resume to start over"
        case .cannotKeep(let directory, let reason):
            return "cannot keep an answer for --resume in \(directory) (\(reason); --no-keep-answers does without)"
        case .alreadyFinished(let output):
            return "nothing to resume: the export to \(output) finished (no answers are kept beside it); run without --resume and with --overwrite to export again"
        }
    }

    static func text(_ error: SinkError) -> String {
        switch error {
        case .unknownFormat: return "\(error) (see fink-export formats)"
        case .formatNotInferable(let path, let known):
            return "cannot tell the format of \"\(path)\" from its extension; give --format (\(known.joined(separator: ", ")))"
        case .extensionMismatch(let path, let extensionFormat, let format):
            return "--output \(path) has the extension of \(extensionFormat), but --format is \(format)"
        case .oneTablePerFile(let format, let tables):
            return "\(format) holds one table per file: give a directory (--output out/) for \(tables.joined(separator: " and ")), or choose one with --tables"
        case .appendUnsupported(let format):
            return "\(format) cannot add to an existing file; `fink-export formats` shows which formats can append"
        case .appendWithOverwrite: return "--append and --overwrite cannot be used together"
        case .optionSyntax(let assignment): return "--option \"\(assignment)\" needs the form name=value"
        case .repeatedOption(let name): return "--option \(name) is given twice"
        case .needsExpandedFeatures:
            return "\(error): keep d:lc_features_g/r and drop --no-expand"
        case .outputExists(let path, let canAppend):
            return "\(path) already exists; pass --overwrite to replace it" + (canAppend ? " or --append to add to it" : "")
        default: return error.description
        }
    }

    static func text(_ warning: ExportWarning) -> String {
        switch warning {
        case .fewerAnomalies(let received, let requested):
            return "the anomaly answer held \(received) alerts, fewer than the \(requested) asked for with --n: the date window holds no more"
        case .lenientNulls: return "\(warning) (--lenient)"
        default: return warning.description
        }
    }

    static func text(_ notice: ExportNotice) -> String {
        switch notice {
        case .startingOver: return "\(notice) (--resume would continue it)"
        default: return notice.description
        }
    }
}
