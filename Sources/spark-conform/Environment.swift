import Foundation

/// Flags win over environment variables, which win over defaults.
enum Environment {
    static func value(_ flag: String?, _ variable: String) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { return value }
        return nil
    }
}
