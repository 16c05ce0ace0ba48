// Types of scripts/embedded-descriptors.mjs (the build step that writes protobuf-es descriptors as literals), for its test.
import type { DescFile } from "@bufbuild/protobuf";

/** What `fileDesc` does after decoding, from the literal `literalArguments` writes. */
export declare function fileDescFromLiteral(prototypes: object[], build: (make: (index: number, own: object) => object) => object, imports?: DescFile[]): DescFile;
/** JavaScript for `fileDescFromLiteral`'s first two arguments, from a FileDescriptorProto's base64. */
export declare function literalArguments(b64: string, root: string): Promise<string>;
/** JavaScript for `fileDescFromLiteral`'s first two arguments, from a decoded FileDescriptorProto. */
export declare function descriptorLiteral(root: unknown): string;
/** The esbuild plugin that rewrites `fileDesc("<base64>"…)` in bundled `*_pb.js` files. */
export declare function embeddedDescriptors(root: string): { name: string; setup(build: unknown): void };
