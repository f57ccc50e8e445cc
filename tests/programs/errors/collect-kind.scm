; exit: 1
; (collect) accepts only the symbols minor and major.
(collect 'major)
(display "major ok") (newline)
(collect 'sideways)
