import { stopWhileServing } from "../src/invariants/stop-while-serving.ts";
import { familySuite } from "./family-suite.ts";

familySuite(stopWhileServing, 600);
