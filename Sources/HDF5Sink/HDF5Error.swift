import CHDF5
import Foundation
import FinkExport

/// A failed libhdf5 call, with libhdf5's own error stack captured into the message instead
/// of printed to stderr.
struct HDF5Error: Error, CustomStringConvertible {
    /// What fink-export was doing.
    let action: String
    /// libhdf5's error stack, innermost reason last.
    let stack: [String]

    var description: String {
        "\(action): \(Self.reason(stack.last ?? "unknown libhdf5 error"))"
    }

    /// The innermost entry, with the system error pulled out of libhdf5's long I/O messages
    /// ("file write failed: time = …, errno = 27, error message = 'File too large', …").
    static func reason(_ entry: String) -> String {
        guard let start = entry.range(of: "error message = '"),
              let end = entry[start.upperBound...].firstIndex(of: "'") else { return entry }
        let prefix = entry.range(of: " failed").map { String(entry[..<$0.upperBound]) } ?? "I/O failed"
        return "\(prefix): \(entry[start.upperBound ..< end])"
    }
}

/// Calls into libhdf5 and turns negative results into ``HDF5Error``s.
enum HDF5 {
    /// Debian's libhdf5 is built without thread safety: every writer takes this lock for each
    /// call, so two exports in one process (a library user's) never call into it at once.
    static let library = NSRecursiveLock()

    /// Stops libhdf5 printing its error stack; the stack is read into errors instead.
    static let silenced: Void = {
        // The process exits right after a failure; libhdf5's exit-time cleanup would try to
        // flush a file that just failed to write, so it is skipped. Successful exports close
        // everything themselves.
        H5dont_atexit()
        H5open()
        H5Eset_auto2(chdf5_error_default(), nil, nil)
    }()

    /// Checks an identifier-returning call.
    @discardableResult
    static func id(_ value: hid_t, _ action: @autoclosure () -> String) throws -> hid_t {
        guard value >= 0 else { throw HDF5Error(action: action(), stack: takeStack()) }
        return value
    }

    /// Checks a status-returning call.
    static func check(_ status: herr_t, _ action: @autoclosure () -> String) throws {
        guard status >= 0 else { throw HDF5Error(action: action(), stack: takeStack()) }
    }

    /// Reads and clears the current error stack: each entry as `function: description`.
    static func takeStack() -> [String] {
        final class Collected { var lines: [String] = [] }
        let collected = Collected()
        let context = Unmanaged.passUnretained(collected).toOpaque()
        H5Ewalk2(chdf5_error_default(), H5E_WALK_DOWNWARD, { _, error, data in
            guard let error, let data else { return 0 }
            let box = Unmanaged<Collected>.fromOpaque(data).takeUnretainedValue()
            let function = error.pointee.func_name.map { String(cString: $0) } ?? "?"
            let text = error.pointee.desc.map { String(cString: $0) } ?? ""
            box.lines.append("\(function): \(text)")
            return 0
        }, context)
        H5Eclear2(chdf5_error_default())
        return collected.lines
    }

    /// Closes an identifier of any kind, ignoring failures (used on cleanup paths).
    static func close(_ id: hid_t) {
        guard id >= 0 else { return }
        _ = closeChecked(id)
        H5Eclear2(chdf5_error_default())
    }

    /// Closes an identifier of any kind and returns libhdf5's status.
    static func closeChecked(_ id: hid_t) -> herr_t {
        switch H5Iget_type(id) {
        case H5I_FILE: return H5Fclose(id)
        case H5I_GROUP: return H5Gclose(id)
        case H5I_DATASET: return H5Dclose(id)
        case H5I_DATATYPE: return H5Tclose(id)
        case H5I_DATASPACE: return H5Sclose(id)
        case H5I_ATTR: return H5Aclose(id)
        case H5I_GENPROP_LST: return H5Pclose(id)
        default: return -1
        }
    }
}
