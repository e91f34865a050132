"""An independent client of ConverterService: Python grpcio with stubs generated from protos/ at test time.

Usage: converter_client.py PROTOS_DIR ADDRESS PSP_PATH RULES_PATH
  PSP_PATH    a PodSecurityPolicy to convert
  RULES_PATH  the rules file `pspctl convert` wrote for it (Convert's rules_yaml must equal it)

Checks Convert (rules_yaml, id, compiled rules), INVALID_ARGUMENT for garbage bytes and for a request
without a policy, Health/Check, and reflection (listing the services, resolving pspctl.v1.Converter).
Prints one line per check and "N passed, 0 failed"; exits non-zero at the first failure.
"""
import importlib
import os
import subprocess
import sys
import tempfile

import grpc
import grpc_tools
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

passed = 0


def check(name, condition, detail=""):
    global passed
    if not condition:
        print("FAILED: %s %s" % (name, detail))
        sys.exit(1)
    passed += 1
    print("ok: %s" % name)


def generate(protos, out):
    files = []
    for root, _, names in os.walk(protos):
        files += [os.path.relpath(os.path.join(root, n), protos) for n in names if n.endswith(".proto")]
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I" + protos, "-I" + include,
                    "--python_out=" + out, "--grpc_python_out=" + out] + sorted(files), check=True)
    sys.path.insert(0, out)


def main(protos, address, psp_path, rules_path):
    out = tempfile.mkdtemp(prefix="pspctl-stubs-")
    generate(protos, out)
    converter_pb2 = importlib.import_module("pspctl.v1.converter_pb2")
    converter_grpc = importlib.import_module("pspctl.v1.converter_pb2_grpc")
    types_pb2 = importlib.import_module("pspctl.v1.types_pb2")

    with open(psp_path, encoding="utf-8") as f:
        psp = f.read()
    with open(rules_path, encoding="utf-8") as f:
        expected = f.read()

    with grpc.insecure_channel(address) as channel:
        stub = converter_grpc.ConverterStub(channel)
        request = converter_pb2.ConvertRequest(psp=converter_pb2.PodSecurityPolicy(yaml=psp, display_name=psp_path))
        first = stub.Convert(request, timeout=30)
        check("Convert rules_yaml equals pspctl convert's file", first.rules_yaml == expected)
        check("Convert id is lower-case hex SHA-256", len(first.id) == 64 and all(c in "0123456789abcdef" for c in first.id), first.id)
        check("Convert compiled rules", len(first.rules) > 0 and all(r.HasField("condition") for r in first.rules if r.enabled))
        check("Convert rule priorities", all(r.priority != types_pb2.PRIORITY_UNSPECIFIED for r in first.rules))
        check("Convert summary", len(first.summary) > 0, list(first.summary))
        second = stub.Convert(request, timeout=30)
        check("same policy, same id", second.id == first.id)

        pss = stub.Convert(converter_pb2.ConvertRequest(standard=converter_pb2.PodSecurityStandard(level="baseline")), timeout=30)
        check("a PSS level has another id", pss.id != first.id and len(pss.rules) > 0)

        try:
            stub.Convert(converter_pb2.ConvertRequest(standard=converter_pb2.PodSecurityStandard(level="strictest")), timeout=30)
            check("bad level refused", False)
        except grpc.RpcError as error:
            check("bad level is INVALID_ARGUMENT", error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.code())
            check("bad level carries the CLI's message", "strictest" in error.details(), error.details())

        raw = channel.unary_unary("/pspctl.v1.Converter/Convert", request_serializer=lambda b: b,
                                  response_deserializer=lambda b: b)
        for name, garbage in [("garbage bytes", b"\xff\xff\xff\xff\x0f garbage"), ("truncated message", b"\x0a\x10abc"),
                              ("no policy", b"")]:
            try:
                raw(garbage, timeout=10)
                check(name + " refused", False)
            except grpc.RpcError as error:
                check(name + " is INVALID_ARGUMENT", error.code() == grpc.StatusCode.INVALID_ARGUMENT,
                      "%s %s" % (error.code(), error.details()))

        health = health_pb2_grpc.HealthStub(channel)
        for service in ["", "pspctl.v1.Converter"]:
            reply = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
            check("health %r SERVING" % service, reply.status == health_pb2.HealthCheckResponse.SERVING)
        try:
            health.Check(health_pb2.HealthCheckRequest(service="pspctl.v1.Nope"), timeout=10)
            check("unknown service refused", False)
        except grpc.RpcError as error:
            check("unknown service is NOT_FOUND", error.code() == grpc.StatusCode.NOT_FOUND, error.code())
        watch = health.Watch(health_pb2.HealthCheckRequest(service="pspctl.v1.Converter"), timeout=10)
        check("health Watch sends the status", next(watch).status == health_pb2.HealthCheckResponse.SERVING)
        watch.cancel()

        database = ProtoReflectionDescriptorDatabase(channel)
        services = set(database.get_services())
        check("reflection lists the services",
              services == {"pspctl.v1.Converter", "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"},
              services)
        pool = DescriptorPool(database)
        converter = pool.FindServiceByName("pspctl.v1.Converter")
        method = converter.FindMethodByName("Convert")
        check("reflection resolves pspctl.v1.Converter",
              method.input_type.full_name == "pspctl.v1.ConvertRequest"
              and method.output_type.full_name == "pspctl.v1.CompiledRuleSet", method.output_type.full_name)
        check("reflection resolves nested types",
              pool.FindMessageTypeByName("pspctl.v1.Expression").fields_by_name["comparison"].message_type.full_name
              == "pspctl.v1.Comparison")

    print("%d passed, 0 failed" % passed)


if __name__ == "__main__":
    main(*sys.argv[1:5])
