"""pspctl.v1.Evaluator's Python stubs, generated from protos/ at run time with grpc_tools (so the
clients beside this file never depend on pspctl's own code), shared by every client here."""
import importlib, os, sys, tempfile


def load(protos):
    """Generates the stubs of types.proto and evaluator.proto from PROTOS_DIR into a temporary
    directory and returns the modules (evaluator_pb2, evaluator_pb2_grpc)."""
    out = tempfile.mkdtemp()
    from grpc_tools import protoc
    import grpc_tools
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    files = ["pspctl/v1/types.proto", "pspctl/v1/evaluator.proto"]
    if protoc.main(["protoc", "-I" + protos, "-I" + include, "--python_out=" + out, "--grpc_python_out=" + out] + files) != 0:
        raise SystemExit("protoc failed")
    sys.path.insert(0, out)
    return importlib.import_module("pspctl.v1.evaluator_pb2"), importlib.import_module("pspctl.v1.evaluator_pb2_grpc")
