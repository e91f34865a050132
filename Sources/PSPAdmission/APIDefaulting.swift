import PodSecurity
import PSPConverter

/// The API server's defaulting (`pkg/apis/core/v1/defaults.go`) that runs before admission and changes a PSP
/// verdict. An audit event's `requestObject` is the request before it; applying it again to an already
/// defaulted object (a `responseObject`) changes nothing.
enum APIDefaulting {
    static func apply(to pod: inout PodSpecView) {
        // `SetDefaults_PodSpec`: under hostNetwork, a port's hostPort defaults to its containerPort.
        if pod.spec.hostNetwork == true {
            pod.spec.mutateContainers { container in
                for index in container.hostPorts.indices
                    where container.hostPorts[index] == 0 && index < container.containerPorts.count {
                    container.hostPorts[index] = container.containerPorts[index]
                }
            }
        }
        // `SetDefaults_Volume`: a volume without any source is an emptyDir.
        for index in pod.spec.volumes.indices where VolumeType.of(pod.spec.volumes[index]) == nil {
            pod.spec.volumes[index].sources.insert("emptyDir")
        }
    }
}
