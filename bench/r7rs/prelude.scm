;;; The harness toylang supplies to the public r7rs-benchmarks programs (bench/r7rs/run.sh).
;;; The suite's runner concatenates <system>-prelude.scm, the program, common.scm (which defines
;;; `hide` and `run-r7rs-benchmark`) and common-postlude.scm (which calls `(run-benchmark)`);
;;; this file plays the part of the first. Everything else the programs use is toylang's own.
(define (this-scheme-implementation-name) "toylang")
