/**
 * @module cluster/auth/review-error
 * The error of a review request the real server refuses, carrying the Status to answer with.
 */
import type { Status } from "kubernetes-types/meta/v1.js";
import { PodfnError } from "../../../errors.js";

/** A review request the real server refuses; `status` is the Status body to answer with. */
export class ReviewRequestError extends PodfnError {
  readonly status: Status;

  constructor(status: Status) {
    super("review_rejected", status.message ?? "review rejected");
    this.status = status;
  }
}
