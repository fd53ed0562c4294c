import CHDF5

/// The on-disk kind of one dataset member; all little-endian, packed.
enum MemberKind: Equatable {
    case float64
    case float32
    case int64
    case int32
    /// numpy's bool: an 8-bit enum FALSE=0, TRUE=1, as h5py writes it.
    case bool
    /// Fixed-length UTF-8, null-padded, `width` bytes.
    case string(width: Int)

    var size: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .bool: return 1
        case .string(let width): return width
        }
    }

    /// A new HDF5 datatype for this kind; the caller closes it.
    func makeType() throws -> hid_t {
        switch self {
        case .float64: return try HDF5.id(H5Tcopy(chdf5_ieee_f64le()), "copying the float64 type")
        case .float32: return try HDF5.id(H5Tcopy(chdf5_ieee_f32le()), "copying the float32 type")
        case .int64: return try HDF5.id(H5Tcopy(chdf5_std_i64le()), "copying the int64 type")
        case .int32: return try HDF5.id(H5Tcopy(chdf5_std_i32le()), "copying the int32 type")
        case .bool:
            let type = try HDF5.id(H5Tenum_create(chdf5_std_i8le()), "creating the bool enum")
            var no: Int8 = 0, yes: Int8 = 1
            try HDF5.check(H5Tenum_insert(type, "FALSE", &no), "defining FALSE")
            try HDF5.check(H5Tenum_insert(type, "TRUE", &yes), "defining TRUE")
            return type
        case .string(let width):
            let type = try HDF5.id(H5Tcopy(chdf5_c_s1()), "copying the string type")
            try HDF5.check(H5Tset_size(type, max(1, width)), "sizing a string type")
            try HDF5.check(H5Tset_strpad(type, H5T_STR_NULLPAD), "padding a string type")
            try HDF5.check(H5Tset_cset(type, H5T_CSET_UTF8), "marking a string type UTF-8")
            return type
        }
    }
}

/// One member of a table dataset.
struct Member: Equatable {
    var name: String
    var kind: MemberKind
}
