import { residentAllowed } from "../src/invariants/resident-allowed.ts";
import { familySuite } from "./family-suite.ts";

familySuite(residentAllowed, 600);
