; define-record-type: constructor, predicate, accessors, modifiers.
(define-record-type point
  (make-point x y)
  point?
  (x point-x set-point-x!)
  (y point-y))
(define p (make-point 3 4))
(write (list (point-x p) (point-y p))) (newline)
(set-point-x! p 10)
(write (point-x p)) (newline)
(write (list (point? p) (point? 5) (point? (vector 3 4)))) (newline)
; The constructor may take a subset of the fields, in any order.
(define-record-type <node>
  (make-node value)
  node?
  (value node-value)
  (next node-next set-node-next!))
(define a (make-node 'a))
(define b (make-node 'b))
(set-node-next! a b)
(write (node-value (node-next a))) (newline)
(write (list (node? a) (point? a) (node? p))) (newline)
; Records hold any value and survive in data structures.
(define pts (map (lambda (i) (make-point i (* i i))) '(1 2 3)))
(write (map point-y pts)) (newline)
(define-record-type pare (kons x y) pare? (x kar set-kar!) (y kdr))
(write (kar (kons 1 2))) (newline)
(write (equal? (kdr (kons 1 '(2 3))) '(2 3))) (newline)
