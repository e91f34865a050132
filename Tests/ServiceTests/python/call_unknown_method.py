#!/usr/bin/env python3
"""Calls a method path with grpcio (unary, empty request) and prints the status code's name.

Usage: call_unknown_method.py PORT PATH [COUNT]"""
import sys
import grpc

def main():
    port, path = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    with grpc.insecure_channel("127.0.0.1:" + port) as channel:
        call = channel.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
        for _ in range(count):
            try:
                call(b"", timeout=10)
                print("OK")
            except grpc.RpcError as error:
                print(error.code().name)

if __name__ == "__main__":
    main()
