; Hygiene (R7RS 4.3): identifiers a template inserts mean what they meant where the macro was
; defined, and bindings a template makes do not capture the user's identifiers.
(define-syntax my-or
  (syntax-rules ()
    ((_) #f)
    ((_ e) e)
    ((_ e r ...) (let ((t e)) (if t t (my-or r ...))))))
; The classic: a user's `if` does not capture the template's, nor a user's `t` the template's.
(write (let ((if list)) (my-or #f 1))) (newline)
(write (let ((t 5)) (my-or #f t))) (newline)

(define-syntax swap!
  (syntax-rules ()
    ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))
(define tmp 1)
(define other 2)
(swap! tmp other)
(write (list tmp other)) (newline)
(let ((tmp 'x) (let 'y))
  (swap! tmp let)
  (write (list tmp let))
  (newline))

; A template's free identifier is the global, even where the use has a local of that name.
(define counter 0)
(define-syntax bump!
  (syntax-rules ()
    ((_) (set! counter (+ counter 1)))))
(let ((counter 100))
  (bump!)
  (bump!)
  (write counter)
  (newline))
(write counter) (newline)

; Literals match by binding: a locally bound `else` is not the literal else.
(define-syntax my-cond
  (syntax-rules (else)
    ((_) 'no-clause-matched)
    ((_ (else e ...)) (begin e ...))
    ((_ (c e ...) clause ...) (if c (begin e ...) (my-cond clause ...)))))
(write (my-cond (#f 1) (else 2))) (newline)
(write (let ((else #f)) (my-cond (#f 1) (else 2) (#t 3)))) (newline)

; A local macro refers to the variable visible where it is defined, not to a later shadow.
(write (let ((x 'outer))
         (let-syntax ((get-x (syntax-rules () ((_) x))))
           (let ((x 'inner))
             (list x (get-x))))))
(newline)
; let-syntax: the transformers see the outside; letrec-syntax: each other.
(write (let-syntax ((my-or (syntax-rules () ((_ a b) (if a a b)))))
         (my-or #f 'local-or)))
(newline)
(write (letrec-syntax ((ev? (syntax-rules () ((_) #t) ((_ x . r) (od? . r))))
                       (od? (syntax-rules () ((_) #f) ((_ x . r) (ev? . r)))))
         (list (ev? 1 2 3 4) (od? 1 2 3))))
(newline)

; Quoting a template's symbols gives plain symbols.
(define-syntax quoted
  (syntax-rules ()
    ((_ x) '(x tmp (nested if) #(v)))))
(write (quoted hello)) (newline)
(write (symbol? (car (cdr (quoted 1))))) (newline)
(write (eq? (car (cdr (quoted 1))) 'tmp)) (newline)
(define-syntax qq
  (syntax-rules ()
    ((_ x) `(x ,x tmp ,@(list 'a x)))))
(write (qq 7)) (newline)

; A macro's own binding of a name the user also passes in: both stay distinct.
(define-syntax with-temp
  (syntax-rules ()
    ((_ e) (let ((temp 'macro)) (list temp e)))))
(write (let ((temp 'user)) (with-temp temp))) (newline)

; Macros that use other macros, and a user variable that shadows a macro.
(define-syntax my-unless
  (syntax-rules ()
    ((_ c e ...) (my-or c (begin e ...)))))
(write (my-unless #f 'ran)) (newline)
(write (let ((my-or (lambda args 'procedure))) (my-or 1 2))) (newline)
(define (shadow-param swap!) (swap! 1 2))
(write (shadow-param +)) (newline)
