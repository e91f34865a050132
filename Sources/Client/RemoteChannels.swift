import GRPCKit

/// The one place pspctl makes gRPC channels (`watch --evaluator`, `convert --converter`, `health`): a
/// client option that applies to every connection (TLS, …) is set here.
func makeChannel(_ target: String, _ options: ChannelOptions = ChannelOptions()) throws(RPCError) -> Channel {
    try Channel(target: target, options: options)
}
