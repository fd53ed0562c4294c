import Foundation
import PackagePlugin

/// Compiles `Schemas/*.json` into Swift source for the target that uses the plugin, so the
/// column catalogue is part of the binary and `Schemas/` stays the one source of truth.
@main
struct SchemaCodegenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let schemas = context.package.directoryURL.appending(path: "Schemas")
        let columns = schemas.appending(path: "columns.json")
        let features = schemas.appending(path: "features.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "GeneratedCatalogue.swift")
        return [
            .buildCommand(
                displayName: "Generating the column catalogue from Schemas/",
                executable: try context.tool(named: "schema-codegen").url,
                arguments: [columns.path, features.path, output.path],
                inputFiles: [columns, features],
                outputFiles: [output]
            )
        ]
    }
}
