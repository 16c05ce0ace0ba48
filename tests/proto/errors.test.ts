import { test } from "../_uvu.ts";
import * as assert from "uvu/assert";
import { codeOfHttpStatus, ErrorCode, httpStatusOf, JinaError } from "../../proto/errors.ts";

test("codeOfHttpStatus inverts httpStatusOf for the codes a gateway answers with", () => {
  for (const code of [ErrorCode.InvalidArgument, ErrorCode.DeadlineExceeded, ErrorCode.NotFound, ErrorCode.ResourceExhausted, ErrorCode.Unavailable, ErrorCode.Unimplemented, ErrorCode.Canceled]) {
    assert.is(codeOfHttpStatus(httpStatusOf(new JinaError("x", code))), code, ErrorCode[code]);
  }
  assert.is(codeOfHttpStatus(413), ErrorCode.ResourceExhausted);
  assert.is(codeOfHttpStatus(409), ErrorCode.Aborted);
  assert.is(codeOfHttpStatus(418), ErrorCode.Unknown);
});

test.run();
