// One bare process of the start baseline (bench/start/bare.mjs): opens a port on 127.0.0.1 and says so.
import { createServer } from "node:net";

const server = createServer().listen(0, "127.0.0.1", () => console.log(`ready ${server.address().port}`));
