import { startWhenAllowed } from "../src/invariants/start-when-allowed.ts";
import { familySuite } from "./family-suite.ts";

familySuite(startWhenAllowed, 600);
