import { starvationBound } from "../src/invariants/starvation-bound.ts";
import { familySuite } from "./family-suite.ts";

familySuite(starvationBound, 600);
