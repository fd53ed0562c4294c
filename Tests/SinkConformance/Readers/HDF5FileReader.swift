import CHDF5
import FinkExport
import Foundation

/// Reads HDF5 tables with libhdf5: per table a 1-D compound dataset of its name, a member
/// per column and, for every column that is not real, a boolean `<name>.mask` member (true
/// is null); a real NaN is null. Each member is read on its own through a memory compound
/// that holds just that member, so the reader relies on member names, never on the writer's
/// offsets. Integers are read as int64, reals as float64, so any width on disk reads exactly.
package struct HDF5FileReader: SinkFileReader {
    package init() {}

    /// `id` if libhdf5 returned one, else an error saying what failed, with libhdf5's stack.
    private static func valid(_ id: hid_t, _ what: @autoclosure () -> String, in file: URL) throws -> hid_t {
        guard id >= 0 else { throw ReaderError(file, "libhdf5 failed \(what()): \(takeStack().joined(separator: "; "))") }
        return id
    }

    /// Reads and clears libhdf5's error stack, outermost call first, with the system error
    /// (errno, which may be stale when the failure was not the operating system's).
    private static func takeStack() -> [String] {
        let system = errno
        final class Collected { var lines: [String] = [] }
        let collected = Collected()
        H5Ewalk2(chdf5_error_default(), H5E_WALK_UPWARD, { _, error, data in
            guard let error, let data else { return 0 }
            let function = error.pointee.func_name.map { String(cString: $0) } ?? "?"
            let text = error.pointee.desc.map { String(cString: $0) } ?? ""
            Unmanaged<Collected>.fromOpaque(data).takeUnretainedValue().lines.append("\(function): \(text)")
            return 0
        }, Unmanaged.passUnretained(collected).toOpaque())
        H5Eclear2(chdf5_error_default())
        return collected.lines + (system != 0 ? ["errno \(system) (\(String(cString: strerror(system))))"] : [])
    }

    package func read(files: [URL], schemas: [TableSchema]) throws -> [ReadTable] {
        let file = try singleFile(files)
        // The library prints its error stack by default; failures are thrown here instead.
        H5open()
        H5Eset_auto2(chdf5_error_default(), nil, nil)
        // libhdf5 flock()s the files it opens. A process another test spawns holds, until its
        // exec, copies of this process's descriptors, among them the writer's just-closed
        // file and its exclusive lock, so a locked open here fails now and then with EAGAIN.
        // Reading a file this process wrote and closed needs no lock.
        let access = try Self.valid(H5Pcreate(chdf5_file_access()), "creating file-access properties", in: file)
        defer { H5Pclose(access) }
        guard H5Pset_file_locking(access, false, true) >= 0 else { throw ReaderError(file, "libhdf5 failed turning file locking off") }
        // 0 is H5F_ACC_RDONLY, a macro that does not import into Swift.
        let handle = try Self.valid(H5Fopen(file.path, 0, access), "opening the file", in: file)
        defer { H5Fclose(handle) }
        return try schemas.map { try Self.table($0, in: handle, file: file) }
    }

    private static func table(_ schema: TableSchema, in fileID: hid_t, file: URL) throws -> ReadTable {
        let dataset = try valid(H5Dopen2(fileID, schema.name, hid_t(H5P_DEFAULT)), "opening the dataset \(schema.name)", in: file)
        defer { H5Dclose(dataset) }
        let type = try valid(H5Dget_type(dataset), "reading the type of \(schema.name)", in: file)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_COMPOUND else { throw ReaderError(file, "\(schema.name) is not a compound dataset") }
        let space = try valid(H5Dget_space(dataset), "reading the dataspace of \(schema.name)", in: file)
        defer { H5Sclose(space) }
        guard H5Sget_simple_extent_ndims(space) == 1 else { throw ReaderError(file, "\(schema.name) is not 1-D") }
        let rows = Int(H5Sget_simple_extent_npoints(space))

        var members: [String] = []
        for index in 0 ..< UInt32(max(0, H5Tget_nmembers(type))) {
            guard let name = H5Tget_member_name(type, index) else { throw ReaderError(file, "a member without a name") }
            members.append(String(cString: name))
            H5free_memory(name)
        }
        let masks = Set(schema.fields.filter { $0.storage != .real }.map { $0.name + ".mask" })
        let columns = members.filter { !masks.contains($0) }
        guard columns.count == schema.fields.count else { throw ReaderError(file, "\(schema.name) has columns \(columns)") }

        var values: [[ReadValue]] = []
        for (column, field) in zip(columns, schema.fields) {
            var cells = try readMember(column, as: field.storage, of: dataset, type: type, rows: rows, file: file)
            if field.storage != .real {
                let nulls = try readMember(column + ".mask", as: .boolean, of: dataset, type: type, rows: rows, file: file)
                for (row, null) in nulls.enumerated() where null == .bool(true) { cells[row] = .null }
            }
            values.append(cells)
        }
        let table = (0 ..< rows).map { row in values.map { $0[row] } }
        return ReadTable(name: schema.name, columns: columns, rows: table)
    }

    /// The values of member `name` as `kind`.
    private static func readMember(_ name: String, as kind: StorageKind, of dataset: hid_t, type: hid_t, rows: Int, file: URL) throws -> [ReadValue] {
        let index = H5Tget_member_index(type, name)
        guard index >= 0 else { throw ReaderError(file, "no member \(name.debugDescription)") }
        let stored = try valid(H5Tget_member_type(type, UInt32(index)), "reading the type of \(name)", in: file)
        defer { H5Tclose(stored) }
        let storedClass = H5Tget_class(stored)
        let element: hid_t
        switch (kind, storedClass) {
        case (.integer, H5T_INTEGER): element = try valid(H5Tcopy(chdf5_std_i64le()), "copying int64", in: file)
        case (.real, H5T_FLOAT): element = try valid(H5Tcopy(chdf5_ieee_f64le()), "copying float64", in: file)
        // Booleans (numpy's enum) and fixed-length strings are read in their own type.
        case (.boolean, H5T_ENUM), (.text, H5T_STRING):
            guard kind == .boolean || H5Tis_variable_str(stored) == 0 else { throw ReaderError(file, "\(name) holds variable-length strings") }
            element = try valid(H5Tcopy(stored), "copying the type of \(name)", in: file)
        default:
            throw ReaderError(file, "member \(name.debugDescription) has type class \(storedClass.rawValue), not one for \(kind)")
        }
        defer { H5Tclose(element) }
        let size = H5Tget_size(element)
        let memory = try valid(H5Tcreate(H5T_COMPOUND, size), "creating a memory type", in: file)
        defer { H5Tclose(memory) }
        guard H5Tinsert(memory, name, 0, element) >= 0 else { throw ReaderError(file, "building a memory type for \(name)") }
        var buffer = [UInt8](repeating: 0, count: rows * size)
        if rows > 0 {
            // hid_t(0) is H5S_ALL, whose cast macro does not import: every row of the dataset.
            let status = buffer.withUnsafeMutableBytes { H5Dread(dataset, memory, hid_t(0), hid_t(0), hid_t(H5P_DEFAULT), $0.baseAddress) }
            guard status >= 0 else { throw ReaderError(file, "reading member \(name)") }
        }
        return try (0 ..< rows).map { row in
            let cell = buffer[row * size ..< (row + 1) * size]
            // The memory types are little-endian by name, whatever the host.
            var littleEndian: UInt64 { cell.reversed().reduce(0) { $0 << 8 | UInt64($1) } }
            switch kind {
            case .integer: return .integer(Int64(bitPattern: littleEndian))
            case .real: return .realOrNull(Double(bitPattern: littleEndian))
            case .boolean:
                guard size == 1, cell.first! <= 1 else { throw ReaderError(file, "\(name) row \(row): not a 0/1 boolean") }
                return .bool(cell.first! == 1)
            case .text:
                // Null-padded: trailing NULs are padding, not text.
                let text = cell.reversed().drop { $0 == 0 }.reversed()
                return .text(try decodeUTF8(Array(text), in: file, "\(name) row \(row)"))
            }
        }
    }
}
