import { concurrencyLimit } from "../src/invariants/concurrency-limit.ts";
import { familySuite } from "./family-suite.ts";

familySuite(concurrencyLimit, 600);
