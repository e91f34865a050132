/// Where the pod fields read (§2.3: always `/requestObject/spec/...`, never a workload's template).
enum PodPaths {
    static let spec = AnchoredPath("/requestObject/spec")
    static let containers = AnchoredPath("/requestObject/spec/containers")
    static let volumes = AnchoredPath("/requestObject/spec/volumes")
    static let hostNetwork = AnchoredPath("/requestObject/spec/hostNetwork")
}
