import { serialOrder } from "../src/invariants/serial-order.ts";
import { familySuite } from "./family-suite.ts";

familySuite(serialOrder, 600);
