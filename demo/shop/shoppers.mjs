// The demo shoppers you can switch between in the shop header. Each exists in both programs;
// seed.mjs gives each the history that puts them in the situation described here.

export const SHOPPERS = [
  { id: 'guest', name: 'New guest', member: null,
    about: { cafe: 'Not a member yet — see what joining earns', fashion: 'Not a member yet — see what joining earns' },
    about_es: { cafe: 'Aún no es socio: mira lo que ganaría', fashion: 'Aún no es socio: mira lo que ganaría' } },
  { id: 'lucia', name: 'Lucía Quispe', member: 'lucia', email: 'lucia@example.pe', birthday: '02-14',
    about: { cafe: 'One coffee away from a free one', fashion: 'Member on a Plus trial, a couple of orders' },
    about_es: { cafe: 'A un café de su café gratis', fashion: 'Socia a prueba en Plus, un par de pedidos' } },
  { id: 'mateo', name: 'Mateo Rossi', member: 'mateo', email: 'mateo@example.com', birthday: '07-09',
    about: { cafe: 'Regular with points to spend', fashion: 'Silver, $60 away from Gold' },
    about_es: { cafe: 'Cliente habitual con puntos', fashion: 'Silver, a $60 de Gold' } },
  { id: 'grace', name: 'Grace Park', member: 'grace', email: 'grace@example.com', birthday: '11-28',
    about: { cafe: 'Birthday this month', fashion: 'Gold, points expiring soon' },
    about_es: { cafe: 'Cumpleaños este mes', fashion: 'Gold, puntos por vencer' } },
];

export function shopper(id) {
  return SHOPPERS.find((s) => s.id === id) ?? null;
}
