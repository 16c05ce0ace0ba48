/**
 * `wireSizeOf` and `docCountOf` (docarray/request-measure.ts): a request's size on the wire and its document count,
 * measured on its documents' bytes while they are still bytes (so metrics never decode them), else on the documents.
 */
import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { createDataRequest, dataRequestSize, Document, DocumentArray, docCountOf, docsOf, encodeDocument, lazyBytesOf, lazyData, lazyDataRequestCodec, wireSizeOf } from "../../docarray/mod.ts";

const request = () =>
  createDataRequest({ endpoint: "/x", parameters: { k: 1 }, docs: new DocumentArray(["a", "b", "c"].map((text) => new Document({ text, embedding: [1, 2, 3] }))) });

test("a request whose documents are still bytes: its size is the bytes it came in, its count read off them, nothing decoded", () => {
  const bytes = lazyDataRequestCodec.encode(request());
  const lazy = lazyDataRequestCodec.decode(bytes);
  assert.is(wireSizeOf(lazy), bytes.length);
  assert.is(docCountOf(lazy), 3);
  assert.ok(lazyBytesOf(lazy.data), "still bytes");
});

/** A field-1 (length-delimited) entry: tag 0x0a, a one-byte length, the payload (payloads here are < 128 bytes). */
const field1 = (payload: Uint8Array) => Uint8Array.of(0x0a, payload.length, ...payload);

test("bytes an encoder would write shorter (a document's id twice) are measured as they came, not as re-encoded", () => {
  // DataContentProto { docs { docs: [doc] } } where the document's id comes twice ("x", then the real "y")
  const twice = field1(field1(Uint8Array.of(0x0a, 1, 0x78, ...encodeDocument(new Document({ id: "y" }).proto))));
  const odd = { ...createDataRequest({ endpoint: "/x" }), data: lazyData(twice) };
  const asItCame = wireSizeOf(odd);
  assert.is(asItCame, dataRequestSize(odd, { data: twice }));
  assert.is(docCountOf(odd), 1);
  assert.equal(docsOf(odd).ids, ["y"]);
  assert.is(wireSizeOf(odd), asItCame - 3, "once decoded, it is measured as it would be encoded now (one id)");
});

test("a decoded request: the encoded size and the documents' length", () => {
  const decoded = request();
  assert.is(wireSizeOf(decoded), dataRequestSize(decoded));
  assert.is(wireSizeOf(decoded), lazyDataRequestCodec.encode(decoded).length);
  assert.is(docCountOf(decoded), 3);
  assert.is(docCountOf(createDataRequest()), 0);
});

test.run();
