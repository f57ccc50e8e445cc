; stress: stress=3000,verify=1
; Raised objects in flight across collections: each is a fresh structure that only the
; exception holds while the stack unwinds through frames that allocate.
(define (build n) (if (= n 0) '() (cons (make-vector 2 n) (build (- n 1)))))
(define (dive n payload)
  (if (= n 0)
      (raise (list 'payload payload (build 50)))
      (let ((v (make-vector 3 n)))
        (+ (vector-ref v 0) (dive (- n 1) payload)))))
(define (sum-vectors l) (if (null? l) 0 (+ (vector-ref (car l) 0) (sum-vectors (cdr l)))))
(define (round i)
  (guard (e ((and (pair? e) (eq? (car e) 'payload))
             (+ (length (cadr e)) (sum-vectors (caddr e)))))
    (dive 200 (build i))))
(define (rounds i acc) (if (= i 100) acc (rounds (+ i 1) (+ acc (round i)))))
(display (rounds 0 0)) (newline)

; Error objects made from built-in errors, and handlers that allocate.
(define (bad i) (vector-ref (make-vector i 0) i))
(define (count-errors i acc)
  (if (= i 200)
      acc
      (count-errors (+ i 1)
                    (+ acc (guard (e ((error-object? e) (length (build 20)))) (bad i))))))
(display (count-errors 0 0)) (newline)
(display (with-exception-handler
           (lambda (c) (length (build c)))
           (lambda ()
             (let loop ((i 0) (acc 0))
               (if (= i 300) acc (loop (+ i 1) (+ acc (raise-continuable (+ 1 (remainder i 7))))))))))
(newline)
