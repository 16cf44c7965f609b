/**
 * @module cluster/protobuf-schemas-scheduling
 * scheduling.k8s.io/v1 PriorityClass as k8s.io/api `generated.proto` numbers it (1.32), for
 * `kubectl create priorityclass`, whose typed client sends it as protobuf.
 */
import { OBJECT_META, type Schema } from "./protobuf-schemas-meta.js";

export const SCHEDULING_SCHEMAS: Record<string, Schema> = {
  "scheduling.k8s.io/v1/PriorityClass": {
    1: ["metadata", OBJECT_META],
    2: ["value", "int"],
    3: ["globalDefault", "bool"],
    4: ["description", "string"],
    5: ["preemptionPolicy", "string?"],
  },
};
