import Foundation
#if FUZZING
import CFuzzer
#endif

/// The `main` of a fuzz target: under libFuzzer (built with FINK_EXPORT_FUZZ=1) it hands the
/// command line to libFuzzer's driver; otherwise it replays saved inputs, files or every file
/// of a directory, once each. That replay is how crash inputs, once fixed, stay fixed.
public enum FuzzReplay {
    /// Runs `target` as libFuzzer or as a replay over the command line's paths.
    public static func main(target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) throws {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, target))
        #else
        try replay(CommandLine.arguments.dropFirst(), target: target)
        #endif
    }

    static func replay(_ paths: ArraySlice<String>, target: (UnsafePointer<UInt8>?, Int) -> CInt) throws {
        var files: [URL] = []
        for path in paths {
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ReplayError(description: "no such input: \(path)")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
                files += names.map { url.appendingPathComponent($0) }
            } else {
                files.append(url)
            }
        }
        for file in files {
            let data = try Data(contentsOf: file)
            // libFuzzer never passes a null pointer; an empty input gets a one-byte buffer.
            let bytes = [UInt8](data) + [0]
            _ = bytes.withUnsafeBufferPointer { target($0.baseAddress!, data.count) }
        }
        print("replayed \(files.count) input(s)")
    }

    private struct ReplayError: Error, CustomStringConvertible {
        let description: String
    }
}
