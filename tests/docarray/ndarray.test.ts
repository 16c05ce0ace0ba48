import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import {
  DenseNdArrayProtoSchema,
  NdArrayProtoSchema,
  SparseNdArrayProtoSchema,
} from "../../proto/gen/docarray_pb.ts";
import { ErrorCode, JinaError } from "../../proto/errors.ts";
import { Document, NdArray, type TypedArray } from "../../docarray/mod.ts";

function denseProto(buffer: Uint8Array, shape: number[], dtype: string, clsName = "numpy") {
  return create(NdArrayProtoSchema, {
    content: { case: "dense", value: create(DenseNdArrayProtoSchema, { buffer, shape, dtype }) },
    clsName,
  });
}

const cases: Array<[string, TypedArray]> = [
  ["<f4", new Float32Array([1.5, -2, 3])],
  ["<f8", new Float64Array([0.1, -1e300, 3])],
  ["|i1", new Int8Array([-128, 0, 127])],
  ["<i2", new Int16Array([-32768, 1, 32767])],
  ["<i4", new Int32Array([-5, 0, 2 ** 31 - 1])],
  ["<i8", new BigInt64Array([-(2n ** 63n), 0n, 2n ** 62n])],
  ["|u1", new Uint8Array([0, 1, 255])],
  ["<u2", new Uint16Array([0, 1, 65535])],
  ["<u4", new Uint32Array([0, 1, 2 ** 32 - 1])],
  ["<u8", new BigUint64Array([0n, 1n, 2n ** 64n - 1n])],
];

for (const [dtype, data] of cases) {
  test(`${dtype} round trips through NdArrayProto bytes`, () => {
    const array = new NdArray(data);
    assert.is(array.dtype, dtype);
    const proto = array.toProto();
    assert.is(proto.clsName, "numpy");
    assert.is(proto.content.case, "dense");
    const bytes = toBinary(NdArrayProtoSchema, proto);
    const back = NdArray.fromProto(fromBinary(NdArrayProtoSchema, bytes));
    assert.is(back.dtype, dtype);
    assert.equal(back.shape, [3]);
    assert.equal([...back.data], [...data]);
  });
}

test("|b1 (bool) round trips as 0/1 bytes and lists as booleans", () => {
  const array = new NdArray(new Uint8Array([1, 0, 1]), { dtype: "|b1" });
  const back = NdArray.fromProto(fromBinary(NdArrayProtoSchema, toBinary(NdArrayProtoSchema, array.toProto())));
  assert.is(back.dtype, "|b1");
  assert.equal(back.toList(), [true, false, true]);
});

test("<f2 (float16) stays Uint16Array bits and converts for math", () => {
  const half = NdArray.float16([1, -2, 0.5, 65504, 1e-7, Number.POSITIVE_INFINITY]);
  assert.is(half.dtype, "<f2");
  assert.instance(half.data, Uint16Array);
  assert.equal([...half.data.slice(0, 4)], [0x3c00, 0xc000, 0x3800, 0x7bff]);
  const back = NdArray.fromProto(fromBinary(NdArrayProtoSchema, toBinary(NdArrayProtoSchema, half.toProto())));
  assert.is(back.dtype, "<f2");
  assert.instance(back.data, Uint16Array);
  const values = [...back.toFloat64()];
  assert.equal(values.slice(0, 4), [1, -2, 0.5, 65504]);
  assert.is(half.data[4], 2, "1e-7 rounds to the subnormal 2 × 2^-24, as numpy");
  assert.is(values[4], 2 ** -23);
  assert.is(values[5], Number.POSITIVE_INFINITY);
});

test("plain number lists become float64 with their nested shape; typed arrays keep their dtype", () => {
  const matrix = NdArray.from([[1, 2, 3], [4, 5, 6]]);
  assert.is(matrix.dtype, "<f8");
  assert.equal(matrix.shape, [2, 3]);
  assert.equal(matrix.toList(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(matrix.row(1).toList(), [4, 5, 6]);
  const vector = NdArray.from(new Float32Array(4));
  assert.is(vector.dtype, "<f4");
  assert.equal(vector.shape, [4]);
  assert.is(NdArray.from(vector), vector);
});

test("ragged lists and wrong shapes are rejected with InvalidArgument", () => {
  try {
    NdArray.from([[1, 2], [3]]);
    assert.unreachable();
  } catch (error) {
    assert.instance(error, JinaError);
    assert.is((error as JinaError).code, ErrorCode.InvalidArgument);
    assert.match((error as JinaError).rawMessage, "value[1]: expected a list of 2 numbers");
  }
  assert.throws(() => new NdArray(new Float32Array(6), { shape: [4, 2] }), /shape \[4, 2\] does not fit 6 elements/);
  assert.throws(() => new NdArray(new Float32Array(2), { dtype: "<i4" }), /does not fit a Float32Array/);
  assert.throws(() => NdArray.fromProto(denseProto(new Uint8Array(4), [2], "<f4")), /shape \[2\] needs 2 elements but the buffer holds 1/);
  assert.throws(() => NdArray.fromProto(denseProto(new Uint8Array(4), [1], "<c8")), /unsupported dtype "<c8"/);
});

test("fromProto is zero-copy when the buffer's byte offset is aligned", () => {
  const backing = new ArrayBuffer(64);
  new Float32Array(backing, 8, 3).set([1, 2, 3]);
  const proto = denseProto(new Uint8Array(backing, 8, 12), [3], "<f4");
  const array = NdArray.fromProto(proto);
  assert.is(array.data.buffer, backing);
  assert.is(array.data.byteOffset, 8);
  array.data[0] = 42;
  assert.is(new Float32Array(backing, 8, 1)[0], 42);
});

test("fromProto copies when the byte offset is unaligned, with the same values", () => {
  const backing = new Uint8Array(64);
  const values = new Float32Array([1.25, -7, 3e10]);
  backing.set(new Uint8Array(values.buffer), 3);
  const proto = denseProto(backing.subarray(3, 15), [3], "<f4");
  const array = NdArray.fromProto(proto);
  assert.is.not(array.data.buffer, backing.buffer);
  assert.equal([...array.data], [...values]);
});

test("zero-copy survives a protobuf decode: the embedding views the decoded message's bytes", () => {
  const doc = new Document({ id: "a", embedding: new Float64Array([1, 2, 3]) });
  const decoded = Document.fromBytes(doc.toBytes());
  const dense = decoded.proto.embedding?.content.value as { buffer: Uint8Array };
  const embedding = decoded.embedding as NdArray;
  assert.equal([...embedding.data], [1, 2, 3]);
  if (dense.buffer.byteOffset % 8 === 0) assert.is(embedding.data.buffer, dense.buffer.buffer);
  // a copied (unaligned) read is written back aligned, so later reads are views and writes reach the wire
  const again = decoded.embedding as NdArray;
  assert.is(again.data.buffer, (decoded.proto.embedding?.content.value as { buffer: Uint8Array }).buffer.buffer);
  again.data[0] = 9;
  assert.equal([...(Document.fromBytes(decoded.toBytes()).embedding?.data ?? [])], [9, 2, 3]);
});

test("big-endian dtypes are read as little-endian", () => {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setFloat32(0, 1.5, false);
  view.setFloat32(4, -2, false);
  const array = NdArray.fromProto(denseProto(bytes, [2], ">f4"));
  assert.is(array.dtype, "<f4");
  assert.equal([...array.data], [1.5, -2]);
  const ints = new Uint8Array(16);
  new DataView(ints.buffer).setBigInt64(0, -3n, false);
  new DataView(ints.buffer).setBigInt64(8, 2n ** 40n, false);
  const wide = NdArray.fromProto(denseProto(ints, [2], ">i8"));
  assert.is(wide.dtype, "<i8");
  assert.equal([...wide.data], [-3n, 2n ** 40n]);
});

test("any cls_name reads as dense; numpy names and '=' are accepted as dtypes", () => {
  const data = new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer);
  for (const clsName of ["numpy", "list", "torch", "tensorflow", "paddle", ""]) {
    assert.equal(NdArray.fromProto(denseProto(data, [2, 2], "<f4", clsName)).toList(), [[1, 2], [3, 4]]);
  }
  assert.is(NdArray.fromProto(denseProto(data, [4], "float32")).dtype, "<f4");
  assert.is(NdArray.fromProto(denseProto(data, [4], "=f4")).dtype, "<f4");
});

test("sparse COO arrays are densified ([N, ndim] and torch's [ndim, N] indices)", () => {
  const values = new NdArray(new Float32Array([5, 7]));
  const rowsFirst = new NdArray(new BigInt64Array([0n, 1n, 1n, 2n]), { shape: [2, 2] }); // (0,1), (1,2)
  const sparse = (indices: NdArray) =>
    create(NdArrayProtoSchema, {
      content: {
        case: "sparse",
        value: create(SparseNdArrayProtoSchema, {
          indices: indices.toProto().content.value as never,
          values: values.toProto().content.value as never,
          shape: [2, 3],
        }),
      },
      clsName: "scipy",
    });
  assert.equal(NdArray.fromProto(sparse(rowsFirst)).toList(), [[0, 5, 0], [0, 0, 7]]);
  const transposed = new NdArray(new BigInt64Array([0n, 1n, 1n, 2n]), { shape: [2, 2] }); // rows (0,1), cols (1,2)
  assert.equal(NdArray.fromProto(sparse(transposed)).toList(), [[0, 5, 0], [0, 0, 7]]);
  const columns = new NdArray(new BigInt64Array([0n, 0n, 1n, 1n, 2n, 0n]), { shape: [2, 3] }); // ndim 2 × N 3
  const three = new NdArray(new Float32Array([1, 2, 3]));
  const proto = create(NdArrayProtoSchema, {
    content: {
      case: "sparse",
      value: create(SparseNdArrayProtoSchema, {
        indices: columns.toProto().content.value as never,
        values: three.toProto().content.value as never,
        shape: [2, 3],
      }),
    },
  });
  assert.equal(NdArray.fromProto(proto).toList(), [[0, 1, 2], [3, 0, 0]]);
});

test.run();
