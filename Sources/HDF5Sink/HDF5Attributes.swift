import CHDF5
import Foundation

/// Attributes and small string datasets, as h5py and astropy read them.
enum HDF5Attributes {
    /// A scalar UTF-8 string attribute, variable-length so h5py reads it as `str`.
    static func write(_ name: String, string: String, on object: hid_t) throws {
        try write(name, strings: [string], on: object, scalar: true)
    }

    /// A 1-D array attribute of UTF-8 strings, variable-length so h5py reads them as `str`.
    static func write(_ name: String, strings: [String], on object: hid_t, scalar: Bool = false) throws {
        let type = try HDF5.id(H5Tcopy(chdf5_c_s1()), "copying the string type")
        defer { H5Tclose(type) }
        try HDF5.check(H5Tset_size(type, chdf5_variable()), "making a variable-length string type")
        try HDF5.check(H5Tset_cset(type, H5T_CSET_UTF8), "marking a string type UTF-8")
        var count = hsize_t(strings.count)
        let space = try HDF5.id(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nil), "creating a dataspace")
        defer { H5Sclose(space) }
        let attribute = try HDF5.id(H5Acreate2(object, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)), "creating attribute \(name)")
        defer { H5Aclose(attribute) }
        guard !strings.isEmpty else { return }
        let pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        var array: [UnsafePointer<CChar>?] = pointers.map { UnsafePointer($0) }
        try HDF5.check(H5Awrite(attribute, type, &array), "writing attribute \(name)")
    }

    /// A scalar 64-bit integer attribute.
    static func write(_ name: String, integer: Int64, on object: hid_t) throws {
        let type = try MemberKind.int64.makeType()
        defer { H5Tclose(type) }
        let space = try HDF5.id(H5Screate(H5S_SCALAR), "creating a scalar dataspace")
        defer { H5Sclose(space) }
        let attribute = try HDF5.id(H5Acreate2(object, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)), "creating attribute \(name)")
        defer { H5Aclose(attribute) }
        var value = integer.littleEndian
        try HDF5.check(H5Awrite(attribute, type, &value), "writing attribute \(name)")
    }

    /// A 1-D dataset of fixed-length strings (astropy's `__table_column_meta__`).
    static func writeDataset(_ name: String, strings: [String], under parent: hid_t) throws {
        let (type, buffer) = try packed(strings)
        defer { H5Tclose(type) }
        var count = hsize_t(strings.count)
        let space = try HDF5.id(H5Screate_simple(1, &count, nil), "creating a dataspace")
        defer { H5Sclose(space) }
        let dataset = try HDF5.id(H5Dcreate2(parent, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)), "creating dataset \(name)")
        defer { H5Dclose(dataset) }
        try buffer.withUnsafeBytes { try HDF5.check(H5Dwrite(dataset, type, hid_t(H5S_ALL), hid_t(H5S_ALL), hid_t(H5P_DEFAULT), $0.baseAddress), "writing \(name)") }
    }

    /// Strings null-padded to the longest one's byte length.
    private static func packed(_ strings: [String]) throws -> (hid_t, [UInt8]) {
        let encoded = strings.map { Array($0.utf8) }
        let width = max(1, encoded.map(\.count).max() ?? 1)
        var buffer = [UInt8](repeating: 0, count: width * encoded.count)
        for (index, bytes) in encoded.enumerated() {
            buffer.replaceSubrange(index * width ..< index * width + bytes.count, with: bytes)
        }
        return (try MemberKind.string(width: width).makeType(), buffer)
    }
}
