/// The gRPC method paths of every service in `protos/` (`/package.Service/Method`); a test checks them
/// against the embedded descriptors.
public enum MethodPath {
    public static let convert = "/pspctl.v1.Converter/Convert"
    public static let loadRuleSet = "/pspctl.v1.Evaluator/LoadRuleSet"
    public static let listRuleSets = "/pspctl.v1.Evaluator/ListRuleSets"
    public static let deleteRuleSet = "/pspctl.v1.Evaluator/DeleteRuleSet"
    public static let evaluate = "/pspctl.v1.Evaluator/Evaluate"
    public static let healthCheck = "/grpc.health.v1.Health/Check"
    public static let healthWatch = "/grpc.health.v1.Health/Watch"
    public static let serverReflectionInfo = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
}

/// Fully-qualified service names, as health checks and reflection name them.
public enum ServiceName {
    public static let converter = "pspctl.v1.Converter"
    public static let evaluator = "pspctl.v1.Evaluator"
    public static let health = "grpc.health.v1.Health"
    public static let serverReflection = "grpc.reflection.v1alpha.ServerReflection"
}
