; exit: 1
; Only R7RS's standard libraries can be imported (and there is nothing to load).
(import (scheme base)
        (mylib utilities))
(display "never") (newline)
