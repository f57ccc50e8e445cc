; (collect 'minor) and (collect 'major) beside (collect): each is one collection, and data built
; between them survives; with --gc-options=generational=on (the gen-stress runs) the minor one
; marks only what was allocated since the last collection.
(define (count-collections) (cdr (assq 'collections (gc-stats))))
(define old (list 1 2 3))
(define before (count-collections))
(collect 'minor)
(define young (cons 'young old))
(set-car! (cdr old) young)
(collect 'minor)
(collect 'major)
(collect)
(display (>= (- (count-collections) before) 4)) (newline)  ; more under stress
(display (car young)) (display " ") (display (car (cdr (car (cdr old))))) (newline)
