import { oneAnswer } from "../src/invariants/one-answer.ts";
import { familySuite } from "./family-suite.ts";

familySuite(oneAnswer, 600);
