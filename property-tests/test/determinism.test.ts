import { determinism } from "../src/invariants/determinism.ts";
import { familySuite } from "./family-suite.ts";

familySuite(determinism, 600);
