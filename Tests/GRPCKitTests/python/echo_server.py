"""An independent gRPC server (Python grpcio) for GRPCKit's client: raw bytes, a generic handler.

Prints its port on the first line of stdout, serves until stdin closes, then stops.
  /test.Echo/Unary   echoes the request; trailing metadata echoes request metadata named x-*
  /test.Echo/Stream  echoes each request, in order
  /test.Echo/Fail    aborts with NOT_FOUND "nothing here"
"""
import sys
from concurrent import futures

import grpc


def unary(request, context):
    context.set_trailing_metadata([(k, v) for k, v in context.invocation_metadata() if k.startswith("x-")])
    return request


def stream(requests, context):
    for request in requests:
        yield request


def fail(request, context):
    context.abort(grpc.StatusCode.NOT_FOUND, "nothing here")


def main():
    handlers = {
        "Unary": grpc.unary_unary_rpc_method_handler(unary),
        "Stream": grpc.stream_stream_rpc_method_handler(stream),
        "Fail": grpc.unary_unary_rpc_method_handler(fail),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Echo", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()
    server.stop(grace=1).wait()


if __name__ == "__main__":
    main()
