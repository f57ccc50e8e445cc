; A program that starts like the r7rs-benchmarks: the standard libraries are accepted (and
; there is nothing to load).
(import (scheme base) (scheme write) (scheme char) (scheme cxr) (scheme inexact)
        (scheme process-context) (scheme file) (scheme read) (scheme time) (scheme lazy)
        (scheme case-lambda))
(import (only (scheme base) car) (except (scheme write) write-shared) (srfi 8))
(display "imported") (newline)
