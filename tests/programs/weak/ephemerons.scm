; expected: by-hand (Guile has no ephemeron pairs)
; stress: stress=100,verify=1
; Ephemeron pairs (ephemeron-cons): the cdr is kept only while the car is reachable from
; elsewhere; a value that refers to its own key does not keep it. Once the key is collected,
; car and cdr both read #!bwp.
(define k (list 'key))
(define e (ephemeron-cons k 'value))
(write (list (ephemeron-pair? e) (ephemeron-pair? (cons 1 2)) (ephemeron-pair? (weak-cons 1 2))
             (weak-pair? e) (pair? e)))
(newline)
(write (list (eq? (car e) k) (cdr e))) (newline)
(set-cdr! e (list 'new-value))
(write (cdr e)) (newline)
(define (make-self n)
  (let loop ((i 0) (acc '()))
    (if (= i n)
        acc
        (loop (+ i 1) (let ((key (list i))) (cons (ephemeron-cons key (cons key 'v)) acc))))))
(define es (make-self 10000))
(collect)
(define (count-cleared l)
  (let loop ((l l) (n 0))
    (if (null? l)
        n
        (loop (cdr l) (if (and (bwp-object? (car (car l))) (bwp-object? (cdr (car l))))
                          (+ n 1)
                          n)))))
(write (>= (count-cleared es) 9900)) (newline)
; A chain: each value is the next ephemeron's key; the first key is kept, so all stay.
(define first-key (list 'first))
(define chain
  (let loop ((i 0) (key first-key) (acc '()))
    (if (= i 1000)
        acc
        (let ((next (list i)))
          (loop (+ i 1) next (cons (ephemeron-cons key next) acc))))))
(collect)
(write (= (count-cleared chain) 0)) (newline)
(write (list (eq? (car e) k) (cdr e))) (newline)
