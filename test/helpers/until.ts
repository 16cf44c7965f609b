/**
 * @module test/helpers/until
 * Polls a condition with a bounded deadline: how tests wait for something asynchronous without
 * sleeping for luck. The same helper `podfn/testing` gives function authors.
 */
export { until } from "../../runtime/testing/until.js";
