;; browse: a database of 100 symbolic units searched with a pattern matcher, in the spirit of
;; Gabriel's browse (written from its description): symbols, eq?, assq, assoc and member on
;; lists. The units' names are made with string->symbol, and each unit is an association list
;; holding four patterns and four data lists of symbols; patterns contain ? (any one element),
;; * (any sequence) and (? name) variables that must match the same symbol wherever they occur
;; (bindings kept in an association list, looked up with assq). Every pattern of every unit is
;; matched against every data list of every unit, and a link graph between units (string keys,
;; assoc and member) is walked two steps from each unit. bench-size rounds, the database
;; rebuilt from a new seed every round.
;; Checksum: the number of successful matches, bindings made and units reached.
(define alphabet (vector 'a 'b 'c 'd 'e 'f))
(define seed 0)
(define (next! k)
  (set! seed (modulo (+ (* seed 1103515245) 12345) 2147483648))
  (modulo (quotient seed 65536) k))
(define (random-symbol) (vector-ref alphabet (next! 6)))
(define (random-data n)
  (if (= n 0) '() (cons (random-symbol) (random-data (- n 1)))))
(define (random-pattern n)
  (if (= n 0)
      '()
      (cons (let ((k (next! 10)))
              (cond ((= k 0) '?)
                    ((= k 1) '*)
                    ((= k 2) (list '? (vector-ref (vector 'x 'y 'z) (next! 3))))
                    (else (random-symbol))))
            (random-pattern (- n 1)))))
(define (repeat k thunk) (if (= k 0) '() (cons (thunk) (repeat (- k 1) thunk))))
(define (unit-name i) (string-append "unit-" (number->string i)))
(define (make-unit i)
  (list (cons 'name (string->symbol (unit-name i)))
        (cons 'patterns (repeat 4 (lambda () (random-pattern (+ 3 (next! 4))))))
        (cons 'data (repeat 4 (lambda () (random-data (+ 4 (next! 4))))))
        (cons 'links (repeat 3 (lambda () (unit-name (next! 100)))))))
(define (get unit key) (cdr (assq key unit)))
;; Returns the extended bindings, or #f.
(define bindings-made 0)
(define (match pat dat binds)
  (cond ((null? pat) (and (null? dat) binds))
        ((eq? (car pat) '?) (and (pair? dat) (match (cdr pat) (cdr dat) binds)))
        ((eq? (car pat) '*)
         (or (match (cdr pat) dat binds)
             (and (pair? dat) (match pat (cdr dat) binds))))
        ((pair? (car pat))
         (and (pair? dat)
              (let ((b (assq (cadr (car pat)) binds)))
                (if b
                    (and (eq? (cdr b) (car dat)) (match (cdr pat) (cdr dat) binds))
                    (begin
                      (set! bindings-made (+ bindings-made 1))
                      (match (cdr pat) (cdr dat)
                             (cons (cons (cadr (car pat)) (car dat)) binds)))))))
        (else (and (pair? dat) (eq? (car pat) (car dat)) (match (cdr pat) (cdr dat) binds)))))
(define (count-matches units)
  (let loop-p ((us units) (acc 0))
    (if (null? us)
        acc
        (loop-p (cdr us)
                (let each-pat ((ps (get (car us) 'patterns)) (acc acc))
                  (if (null? ps)
                      acc
                      (each-pat (cdr ps)
                                (let each-unit ((vs units) (acc acc))
                                  (if (null? vs)
                                      acc
                                      (each-unit (cdr vs)
                                                 (let each-dat ((ds (get (car vs) 'data))
                                                                (acc acc))
                                                   (if (null? ds)
                                                       acc
                                                       (each-dat (cdr ds)
                                                                 (if (match (car ps) (car ds) '())
                                                                     (+ acc 1)
                                                                     acc))))))))))))))
;; Units reachable in at most two links from each unit (by name string), counted.
(define (reach-count table)
  (let loop ((entries table) (acc 0))
    (if (null? entries)
        acc
        (let ((seen (list (car (car entries)))))
          (for-each (lambda (n1)
                      (unless (member n1 seen) (set! seen (cons n1 seen)))
                      (for-each (lambda (n2)
                                  (unless (member n2 seen) (set! seen (cons n2 seen))))
                                (get (cdr (assoc n1 table)) 'links)))
                    (get (cdr (car entries)) 'links))
          (loop (cdr entries) (+ acc (length seen)))))))
(define (browse round)
  (set! seed round)
  (let* ((units (let loop ((i 99) (l '())) (if (< i 0) l (loop (- i 1) (cons (make-unit i) l)))))
         (table (map (lambda (u) (cons (symbol->string (get u 'name)) u)) units)))
    (+ (count-matches units) (reach-count table))))
(define (run i acc)
  (if (= i 0) acc (run (- i 1) (+ acc (browse i)))))
(define total (run bench-size 0))
(display (+ total bindings-made))
(newline)
