import ArgumentParser
import FinkExport

/// `fink-export columns`: the column catalogue compiled into the tool.
struct ColumnsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "columns", abstract: "List the Fink column catalogue: name, type, unit, description.")

    @Flag(help: "Also list the 26 light-curve features each d:lc_features_<band> column expands into.")
    var features = false

    func run() {
        let catalogue = ColumnCatalogue.builtin
        let nameWidth = catalogue.columns.map(\.name.count).max() ?? 0
        print("Fink column catalogue, schema version \(catalogue.version): \(catalogue.columns.count) columns")
        print("\("name".padding(toLength: nameWidth, withPad: " ", startingAt: 0))  type    unit     description")
        for column in catalogue.columns {
            let name = column.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let type = column.type.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)
            let unit = (column.unit ?? "-").padding(toLength: 7, withPad: " ", startingAt: 0)
            let expands = column.expandsFeatures ? " [expands to \(catalogue.features.count) columns \(column.name)_<feature>]" : ""
            print("\(name)  \(type)  \(unit)  \(column.description)\(expands)")
        }
        if features {
            print("")
            print("Light-curve features, in the order the API packs them:")
            for (index, feature) in catalogue.features.enumerated() {
                print("\(String(index + 1).padding(toLength: 3, withPad: " ", startingAt: 0)) \(feature.name.padding(toLength: 34, withPad: " ", startingAt: 0)) \((feature.unit ?? "-").padding(toLength: 6, withPad: " ", startingAt: 0)) \(feature.description)")
            }
        }
    }
}
