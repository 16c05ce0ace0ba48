#!/usr/bin/python3
"""The Python side of the Jina wire interop test (tests/interop/python.test.ts).

Plays Jina's Python client against a jina-ts gateway, and Jina's gateway against a jina-ts executor, over real gRPC
(Debian's python3-grpcio and python3-protobuf; no numpy, no generated code). Message classes are built at run time
from a FileDescriptorSet of our .proto files (`buf build proto --as-file-descriptor-set`).

Usage: /usr/bin/python3 jina_peer.py --descriptors set.binpb --target 127.0.0.1:PORT --case NAME [--tls-ca cert.pem]
Prints one JSON object (what came back, decoded) on stdout and exits 0; on any failure prints the reason on stderr
and exits 1. The TypeScript test asserts on the JSON.

With --serve instead of --target/--case it plays a Python Jina gateway for our Client: a grpcio server on 127.0.0.1
(a free port, printed as `port N`) answering `jina.JinaRPC/Call` (each request back with every doc tagged
`servedBy: python`; a request to `/refuse` aborts the call with RESOURCE_EXHAUSTED) and `dry_run`, until stdin closes.
"""
import argparse
import json
import struct
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

TIMEOUT = 10  # seconds per RPC


class Messages:
    """Message classes by full name, from a FileDescriptorSet."""

    def __init__(self, path):
        with open(path, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read()).file
        self.pool = descriptor_pool.DescriptorPool()
        for file in files:  # buf writes dependencies first
            self.pool.AddSerializedFile(file.SerializeToString())
        self._factory = None if hasattr(message_factory, "GetMessageClass") else message_factory.MessageFactory(self.pool)

    def __getattr__(self, name):
        return self[name]

    def __getitem__(self, full_name):
        descriptor = self.pool.FindMessageTypeByName(full_name)
        if self._factory is None:
            return message_factory.GetMessageClass(descriptor)
        return self._factory.GetPrototype(descriptor)


# --- decoding without numpy ---------------------------------------------------------------------------------------

STRUCT_CODES = {"f2": "e", "f4": "f", "f8": "d", "i1": "b", "i2": "h", "i4": "i", "i8": "q",
                "u1": "B", "u2": "H", "u4": "I", "u8": "Q", "b1": "?"}


def decode_buffer(buffer, dtype, shape):
    """Decodes a numpy-style buffer (dtype.str such as '<f4') into a flat list, checking its size against shape."""
    order, code = dtype[0], dtype[1:]
    if order not in "<>|=" or code not in STRUCT_CODES:
        raise ValueError(f"unexpected dtype string {dtype!r}")
    size = struct.calcsize(STRUCT_CODES[code])
    count = 1
    for n in shape:
        count *= n
    if len(buffer) != count * size:
        raise ValueError(f"buffer of {len(buffer)} bytes does not hold shape {shape} of {dtype}")
    fmt = (">" if order == ">" else "<") + STRUCT_CODES[code] * count
    values = list(struct.unpack(fmt, buffer))
    # int64 beyond 2**53 would lose precision in JSON numbers: send big integers as strings
    return [str(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2 ** 53 else v for v in values]


def ndarray(nd):
    kind = nd.WhichOneof("content")
    if kind != "dense":
        return {"content": kind, "clsName": nd.cls_name}
    dense = nd.dense
    return {"clsName": nd.cls_name, "dtype": dense.dtype, "shape": list(dense.shape),
            "values": decode_buffer(dense.buffer, dense.dtype, list(dense.shape))}


def document(d):
    out = {"id": d.id}
    content = d.WhichOneof("content")
    if content == "text":
        out["text"] = d.text
    elif content == "tensor":
        out["tensor"] = ndarray(d.tensor)
    elif content == "blob":
        out["blob"] = d.blob.hex()
    if d.HasField("embedding"):
        out["embedding"] = ndarray(d.embedding)
    if d.HasField("tags"):
        out["tags"] = json_format.MessageToDict(d.tags)
        out["tagKinds"] = {k: v.WhichOneof("kind") for k, v in d.tags.fields.items()}
    if d.scores:
        out["scores"] = {k: {"value": v.value, "opName": v.op_name} for k, v in d.scores.items()}
    if d.matches:
        out["matches"] = [document(m) for m in d.matches]
    if d.chunks:
        out["chunks"] = [document(c) for c in d.chunks]
    return out


def data_request(r):
    header, status = r.header, r.header.status
    exception = status.exception
    return {
        "requestId": header.request_id,
        "execEndpoint": header.exec_endpoint if header.HasField("exec_endpoint") else None,
        "status": {
            "code": status.code,
            "codeName": status.DESCRIPTOR.fields_by_name["code"].enum_type.values_by_number[status.code].name,
            "description": status.description,
            "exception": {"name": exception.name, "args": list(exception.args), "executor": exception.executor,
                          "stacks": "".join(exception.stacks)} if status.HasField("exception") else None,
        },
        "parameters": json_format.MessageToDict(r.parameters),
        "routes": [{"executor": route.executor, "hasStartTime": route.HasField("start_time"),
                    "hasEndTime": route.HasField("end_time"), "status": route.status.code} for route in r.routes],
        "documents": r.data.WhichOneof("documents"),
        "docs": [document(d) for d in r.data.docs.docs],
    }


def trailers(call):
    return {key: value for key, value in (call.trailing_metadata() or ())}


def rpc_error(error):
    return {"grpcCode": error.code().name, "details": error.details()}


# --- building requests ------------------------------------------------------------------------------------------

class Peer:
    def __init__(self, messages, channel):
        self.m = messages
        self.channel = channel
        request = messages["jina.DataRequestProto"]
        self.DataRequest = request
        self.call_stub = channel.stream_stream("/jina.JinaRPC/Call", request.SerializeToString, request.FromString)
        self.single_stub = channel.unary_unary("/jina.JinaSingleDataRequestRPC/process_single_data",
                                               request.SerializeToString, request.FromString)

    def unary(self, path, request, response_type, metadata=()):
        stub = self.channel.unary_unary(path, type(request).SerializeToString, self.m[response_type].FromString)
        return stub(request, metadata=metadata, timeout=TIMEOUT)

    def request(self, request_id, endpoint, docs, parameters=None):
        """A DataRequestProto as Jina's client builds it: header, parameters, data.docs."""
        r = self.DataRequest()
        r.header.request_id = request_id
        r.header.exec_endpoint = endpoint
        if parameters is not None:
            json_format.ParseDict(parameters, r.parameters)
        r.data.docs.SetInParent()
        for spec in docs:
            d = r.data.docs.docs.add()
            d.id = spec["id"]
            if "text" in spec:
                d.text = spec["text"]
            if "tensor" in spec:
                dtype, shape, values = spec["tensor"]
                d.tensor.cls_name = "numpy"
                d.tensor.dense.dtype = dtype
                d.tensor.dense.shape.extend(shape)
                order = ">" if dtype[0] == ">" else "<"
                d.tensor.dense.buffer = struct.pack(order + STRUCT_CODES[dtype[1:]] * len(values), *values)
            if "tags" in spec:
                json_format.ParseDict(spec["tags"], d.tags)
        return r

    def single(self, request, metadata=()):
        response, call = self.single_stub.with_call(request, metadata=metadata, timeout=TIMEOUT)
        return {"response": data_request(response), "trailers": trailers(call)}

    def stream(self, requests, metadata=()):
        call = self.call_stub(iter(requests), metadata=metadata, timeout=TIMEOUT)
        responses = [data_request(r) for r in call]
        return {"responses": responses, "trailers": trailers(call), "code": call.code().name}


SAMPLE_TAGS = {"lang": "en", "n": 7, "flag": True, "nothing": None, "list": [1, "a"], "deep": {"x": 1.5}}


def sample_docs(prefix):
    return [
        {"id": f"{prefix}-text", "text": "hello", "tags": SAMPLE_TAGS},
        {"id": f"{prefix}-f8", "tensor": ("<f8", [2, 2], [1.0, 2.0, 3.5, -0.5])},
        {"id": f"{prefix}-be", "tensor": (">f4", [3], [1.0, 2.0, 4.0])},
    ]


# --- the cases ----------------------------------------------------------------------------------------------------

def case_call(peer):
    """Jina's client with stream=True: several requests on one Call stream, results in order."""
    requests = [peer.request(f"req-{i}", "/embed", sample_docs(f"r{i}"), {"scale": i + 1}) for i in range(3)]
    return peer.stream(requests, metadata=(("__results_in_order__", "true"),))


def case_single(peer):
    """Jina's client with stream=False: one process_single_data call."""
    return peer.single(peer.request("single-1", "/embed", sample_docs("s"), {"scale": 0.5}))


def case_error(peer):
    """An executor exception: in-band ERROR with trailer is-error, over both RPCs; the stream goes on after it."""
    unary = peer.single(peer.request("fail-1", "/fail", sample_docs("e")))
    stream = peer.stream([peer.request("ok-a", "/embed", sample_docs("a")),
                          peer.request("fail-2", "/fail", sample_docs("f")),
                          peer.request("ok-b", "/embed", sample_docs("b"))],
                         metadata=(("__results_in_order__", "true"),))
    return {"unary": unary, "stream": stream}


def case_docs_bytes(peer):
    """Jina's pickled docs_bytes, which a TypeScript server cannot read: it must say so."""
    request = peer.DataRequest()
    request.header.request_id = "pickle-1"
    request.header.exec_endpoint = "/embed"
    request.data.docs_bytes = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00]\x94."  # pickle.dumps([]) framing
    out = {}
    try:
        out["single"] = peer.single(request)
    except grpc.RpcError as error:
        out["single"] = rpc_error(error)
    try:
        out["stream"] = peer.stream([request])
    except grpc.RpcError as error:
        out["stream"] = rpc_error(error)
    return out


def case_garbage(peer):
    """Bytes that are not a DataRequestProto at all: INVALID_ARGUMENT, not a crash."""
    stub = peer.channel.unary_unary("/jina.JinaSingleDataRequestRPC/process_single_data")  # raw bytes in and out
    try:
        stub(b"\x0a\xff\xff\xff", timeout=TIMEOUT)
        return {"grpcCode": "OK"}
    except grpc.RpcError as error:
        return rpc_error(error)


def list_services(peer):
    request = peer.m["grpc.reflection.v1alpha.ServerReflectionRequest"](host="", list_services="")
    responses = list(reflection_stub(peer)(iter([request]), timeout=TIMEOUT))
    return [service.name for r in responses for service in r.list_services_response.service]


def reflection_stub(peer):
    request = peer.m["grpc.reflection.v1alpha.ServerReflectionRequest"]
    response = peer.m["grpc.reflection.v1alpha.ServerReflectionResponse"]
    return peer.channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                      request.SerializeToString, response.FromString)


def reflected_pool(peer, symbol):
    """What grpc's ProtoReflectionDescriptorDatabase does: the file holding `symbol`, then its imports by name."""
    Request = peer.m["grpc.reflection.v1alpha.ServerReflectionRequest"]
    files, asked = {}, []

    def ask(request):
        asked.append(request.WhichOneof("message_request"))
        (response,) = list(reflection_stub(peer)(iter([request]), timeout=TIMEOUT))
        if response.WhichOneof("message_response") == "error_response":
            raise RuntimeError(f"reflection error for {request}: {response.error_response}")
        for raw in response.file_descriptor_response.file_descriptor_proto:
            file = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[file.name] = file

    ask(Request(file_containing_symbol=symbol))
    while True:
        missing = {dep for f in files.values() for dep in f.dependency} - set(files)
        if not missing:
            break
        for name in sorted(missing):
            ask(Request(file_by_filename=name))
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        for dep in files[name].dependency:
            add(dep)
        pool.AddSerializedFile(files[name].SerializeToString())
        added.add(name)

    for name in files:
        add(name)
    service = pool.FindServiceByName(symbol)
    return {"files": sorted(files), "methods": [m.name for m in service.methods],
            "requestType": service.methods[0].input_type.full_name}


def health(peer, service=""):
    request = peer.m["grpc.health.v1.HealthCheckRequest"](service=service)
    response = peer.unary("/grpc.health.v1.Health/Check", request, "grpc.health.v1.HealthCheckResponse")
    return response.DESCRIPTOR.fields_by_name["status"].enum_type.values_by_number[response.status].name


def info(peer):
    response = peer.unary("/jina.JinaInfoRPC/_status", peer.m["google.protobuf.Empty"](), "jina.JinaInfoProto")
    return {"jina": dict(response.jina), "envKeys": len(response.envs)}


def case_gateway_services(peer):
    """What a Python client or a Jina tool sees of our gateway: reflection, health, _status, dry_run."""
    dry = peer.unary("/jina.JinaGatewayDryRunRPC/dry_run", peer.m["google.protobuf.Empty"](), "jina.StatusProto")
    return {"services": list_services(peer), "health": health(peer), "info": info(peer), "dryRun": dry.code,
            "reflection": reflected_pool(peer, "jina.JinaRPC")}


def case_executor_discovery(peer):
    """Jina's gateway meeting one of our executors: what its connection pool and health checks ask."""
    out = {"services": list_services(peer)}  # get_available_services: which stubs to build
    out["health"] = health(peer)
    out["healthSingle"] = health(peer, "jina.JinaSingleDataRequestRPC")
    try:
        out["healthUnknown"] = health(peer, "no.such.Service")
    except grpc.RpcError as error:
        out["healthUnknown"] = rpc_error(error)
    out["reflection"] = reflected_pool(peer, "jina.JinaSingleDataRequestRPC")
    endpoints = peer.unary("/jina.JinaDiscoverEndpointsRPC/endpoint_discovery", peer.m["google.protobuf.Empty"](),
                           "jina.EndpointsProto")
    out["endpoints"] = list(endpoints.endpoints)
    out["info"] = info(peer)
    return out


def case_executor_requests(peer):
    """Jina's gateway sending requests to one of our executors."""
    out = {}
    # the gateway's request path: `endpoint` metadata plus header.exec_endpoint, a route per executor already visited
    request = peer.request("gw-1", "/embed", sample_docs("g"), {"scale": 2})
    route = request.routes.add()
    route.executor = "gateway"
    route.start_time.seconds = 1700000000
    out["embed"] = peer.single(request, metadata=(("endpoint", "/embed"),))
    out["unbound"] = peer.single(peer.request("gw-2", "/nothing", sample_docs("u")), metadata=(("endpoint", "/nothing"),))
    out["fail"] = peer.single(peer.request("gw-3", "/fail", sample_docs("x")), metadata=(("endpoint", "/fail"),))
    # no_reduce / several parts: process_data with a DataRequestListProto
    parts = peer.m["jina.DataRequestListProto"]()
    parts.requests.append(peer.request("part-1", "/embed", [{"id": "p1", "text": "one"}]))
    parts.requests.append(peer.request("part-2", "/embed", [{"id": "p2", "text": "three"}]))
    process_data = peer.channel.unary_unary("/jina.JinaDataRequestRPC/process_data", type(parts).SerializeToString,
                                            peer.DataRequest.FromString)
    response, call = process_data.with_call(parts, metadata=(("endpoint", "/embed"),), timeout=TIMEOUT)
    out["processData"] = {"response": data_request(response), "trailers": trailers(call)}
    return out


CASES = {"call": case_call, "single": case_single, "error": case_error, "docs-bytes": case_docs_bytes,
         "garbage": case_garbage, "gateway-services": case_gateway_services,
         "executor-discovery": case_executor_discovery, "executor-requests": case_executor_requests}


def serve(messages):
    """A stand-in for Python Jina's gateway (see the module's docstring), served by grpcio until stdin closes."""
    from concurrent import futures
    request_type = messages["jina.DataRequestProto"]
    status_type = messages["jina.StatusProto"]

    def call(requests, context):
        for request in requests:
            if request.header.exec_endpoint == "/refuse":
                context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "the Python gateway refuses /refuse")
            for doc in request.data.docs.docs:
                doc.tags.update({"servedBy": "python"})
            yield request

    def dry_run(_empty, _context):
        return status_type()

    handlers = grpc.method_handlers_generic_handler("jina.JinaRPC", {
        "Call": grpc.stream_stream_rpc_method_handler(call, request_type.FromString, request_type.SerializeToString)})
    dry = grpc.method_handlers_generic_handler("jina.JinaGatewayDryRunRPC", {
        "dry_run": grpc.unary_unary_rpc_method_handler(dry_run, lambda b: b, status_type.SerializeToString)})
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), handlers=[handlers, dry])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"port {port}", flush=True)
    sys.stdin.read()  # until the test closes our stdin (or ends)
    server.stop(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--descriptors", required=True, help="FileDescriptorSet of proto/ (with imports)")
    parser.add_argument("--serve", action="store_true", help="play a Python Jina gateway for our Client (see above)")
    parser.add_argument("--target", help="host:port of the jina-ts gRPC server")
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--tls-ca", help="PEM certificate to trust: connect with TLS instead of h2c")
    args = parser.parse_args()
    messages = Messages(args.descriptors)
    if args.serve:
        return serve(messages)
    if not args.target or not args.case:
        parser.error("--target and --case are required unless --serve")
    if args.tls_ca:
        with open(args.tls_ca, "rb") as f:
            channel = grpc.secure_channel(args.target, grpc.ssl_channel_credentials(root_certificates=f.read()))
    else:
        channel = grpc.insecure_channel(args.target)
    with channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        except grpc.FutureTimeoutError:
            sys.exit(f"jina_peer: no gRPC server at {args.target} after {TIMEOUT} s")
        try:
            result = CASES[args.case](Peer(messages, channel))
        except grpc.RpcError as error:
            sys.exit(f"jina_peer: case {args.case}: unexpected gRPC error {error.code().name}: {error.details()}")
    result["versions"] = {"grpcio": grpc.__version__, "python": sys.version.split()[0]}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
