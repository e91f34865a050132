"""An independent gRPC client (Python grpcio) for GRPCKit's test server: raw bytes, no stubs.

Usage: echo_client.py PORT. Exits 0 after every check passed, prints the failure otherwise.
"""
import sys

import grpc


def identity(data):
    return data


def main(port):
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        unary = channel.unary_unary("/test.Echo/Unary", request_serializer=identity, response_deserializer=identity)
        assert unary(b"\x00hello\xff", timeout=5) == b"\x00hello\xff"

        reply, call = unary.with_call(b"m", metadata=[("x-request-id", "py-1")], timeout=5)
        assert reply == b"m"

        meta = channel.unary_unary("/test.Echo/Metadata", request_serializer=identity, response_deserializer=identity)
        _, call = meta.with_call(b"x", metadata=[("x-request-id", "py-2")], timeout=5)
        trailing = dict(call.trailing_metadata())
        assert trailing.get("x-request-id") == "py-2", trailing

        stream = channel.stream_stream("/test.Echo/Stream", request_serializer=identity, response_deserializer=identity)
        sent = [f"message {i}".encode() for i in range(500)]
        received = list(stream(iter(sent), timeout=10))
        assert received == sent, (len(received), received[:3])

        fail = channel.unary_unary("/test.Echo/Fail", request_serializer=identity, response_deserializer=identity)
        try:
            fail(b"", metadata=[("x-code", "3"), ("x-message", "bad policy")], timeout=5)
            raise AssertionError("Fail succeeded")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.code()
            assert error.details() == "bad policy", error.details()

        missing = channel.unary_unary("/test.Nope/Nope", request_serializer=identity, response_deserializer=identity)
        try:
            missing(b"", timeout=5)
            raise AssertionError("an unknown method succeeded")
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.UNIMPLEMENTED, error.code()
    print("ok")


if __name__ == "__main__":
    main(int(sys.argv[1]))
