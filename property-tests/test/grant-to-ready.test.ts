import { grantToReady } from "../src/invariants/grant-to-ready.ts";
import { familySuite } from "./family-suite.ts";

familySuite(grantToReady, 600);
