; syntax-rules patterns and templates (R7RS 4.3.2): literals, _, ellipses anywhere in a list,
; dotted tails, vectors, nested ellipses, a custom ellipsis and (... ...) escapes.
(define-syntax my-or
  (syntax-rules ()
    ((_) #f)
    ((_ e) e)
    ((_ e r ...) (let ((t e)) (if t t (my-or r ...))))))
(write (list (my-or) (my-or 1) (my-or #f 2) (my-or #f #f 3) (my-or #f #f))) (newline)

(define-syntax my-and
  (syntax-rules ()
    ((_) #t)
    ((_ e) e)
    ((_ e1 e2 ...) (if e1 (my-and e2 ...) #f))))
(write (list (my-and) (my-and 1 2 3) (my-and 1 #f 3))) (newline)

; Literals match only themselves; _ matches anything and binds nothing.
(define-syntax arrow
  (syntax-rules (=> to)
    ((_ a => b) (list 'forward a b))
    ((_ a to b) (list 'to a b))
    ((_ _ x _) (list 'other x))))
(write (list (arrow 1 => 2) (arrow 1 to 2) (arrow 1 2 3))) (newline)

; An ellipsis in the middle of a list pattern, with items after it.
(define-syntax split-last
  (syntax-rules ()
    ((_ a ... b c) '((a ...) b c))))
(write (split-last 1 2 3 4 5)) (newline)
(write (split-last 1 2)) (newline)

; Dotted tails: the rest of the list, or the tail after an ellipsis.
(define-syntax rest-of
  (syntax-rules ()
    ((_ a b . rest) '(a b rest))))
(write (list (rest-of 1 2 3 4) (rest-of 1 2))) (newline)
(define-syntax dotted
  (syntax-rules ()
    ((_ (a ... . r)) '((a ...) r))))
(write (list (dotted (1 2 . 3)) (dotted (1 2)))) (newline)

; Vector patterns and vector templates.
(define-syntax vec-swap
  (syntax-rules ()
    ((_ #(a b ...)) (vector b ... a))))
(write (vec-swap #(1 2 3))) (newline)
(define-syntax vec-flatten
  (syntax-rules ()
    ((_ #(a ...) ...) '#(a ... ...))))
(write (vec-flatten #(1 2) #() #(3))) (newline)

; Nested ellipses: depth 2 and 3, and a depth-0 variable repeated inside an ellipsis.
(define-syntax pairs
  (syntax-rules ()
    ((_ (k v ...) ...) '((k . (v ...)) ...))))
(write (pairs (a 1 2) (b) (c 3))) (newline)
(define-syntax flatten3
  (syntax-rules ()
    ((_ ((x ...) ...) ...) '(x ... ... ...))))
(write (flatten3 ((1 2) (3)) () ((4) () (5 6)))) (newline)
(define-syntax tag-all
  (syntax-rules ()
    ((_ tag (x ...)) '((tag x) ...))))
(write (tag-all t (1 2 3))) (newline)
(define-syntax cross
  (syntax-rules ()
    ((_ (a ...) (b ...)) '((a b ...) ...))))
(write (cross (1 2) (x y z))) (newline)

; A custom ellipsis, with ... then an ordinary identifier.
(define-syntax my-list-of-lists
  (syntax-rules ::: ()
    ((_ (x :::) :::) (list (list x :::) :::))))
(write (my-list-of-lists (1 2) (3))) (newline)
(define-syntax dots
  (syntax-rules ::: ()
    ((_ a :::) '(a ::: ...))))
(write (dots 1 2)) (newline)

; (... ...) inserts a literal ellipsis: a macro that defines a macro.
(define-syntax define-lister
  (syntax-rules ()
    ((_ name) (define-syntax name
                (syntax-rules ()
                  ((_ x (... ...)) (list 'name x (... ...))))))))
(define-lister my-lister)
(write (my-lister 1 2 3)) (newline)
(define-syntax quote-ellipsis
  (syntax-rules ()
    ((_ a ...) '(a ... (... ...) (... (b ...))))))
(write (quote-ellipsis 1 2)) (newline)

; Constants in patterns match equal data.
(define-syntax digit-name
  (syntax-rules ()
    ((_ 0) "zero")
    ((_ 1) "one")
    ((_ "x") "the string x")
    ((_ #\c) "the char c")
    ((_ #t) "true")
    ((_ other) "something else")))
(write (list (digit-name 0) (digit-name 1) (digit-name "x") (digit-name #\c) (digit-name #t)
             (digit-name 7)))
(newline)

; The first rule that matches wins.
(define-syntax first-match
  (syntax-rules ()
    ((_ (a b)) 'two)
    ((_ (a ...)) 'any)
    ((_ a) 'atom)))
(write (list (first-match (1 2)) (first-match (1 2 3)) (first-match ()) (first-match 5))) (newline)
