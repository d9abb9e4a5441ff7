// The engagement program the browser tests run: the cafe demo plus every issue 16 mechanic
// (wheels, coupons, challenges, the paid membership, audiences, requirements, segments, cashback
// and store credit), built here so the demo's own program can change freely.
import { programFile } from './harness.mjs';

function baseProgram() {
  const p = programFile('cafe');
  p.default_language = 'en';
  p.rewards.push({ id: 'news-10', name: { en: '10% off', es: '10 % de descuento' }, type: 'percent_discount', cost: 0, percent: 10 });
  p.coupons = [{ code: 'NEWS10', reward: 'news-10', per_member: 1 }];
  p.wheels = [
    {
      id: 'lucky',
      name: { en: 'Lucky wheel', es: 'Ruleta de la suerte' },
      limit: { count: 1, per: 'day' },
      prizes: [
        { id: 'p50', weight: 1, points: 50 },
        { id: 'coffee', weight: 1, reward: 'free-coffee', name: { en: 'A free coffee', es: 'Un café gratis' } },
        { id: 'none', weight: 2 },
      ],
    },
  ];
  return p;
}

const PARTS = {
  challenges(p) {
    p.challenges = [
      {
        id: 'hunt',
        name: { en: 'Treasure hunt', es: 'Búsqueda del tesoro' },
        ordered: true,
        steps: [
          { id: 'review', action: 'review', name: { en: 'Write a review', es: 'Escribe una reseña' } },
          { id: 'pastry', order: { match: { categories: ['pastries'] } }, name: { en: 'Buy a pastry', es: 'Compra un pan dulce' } },
        ],
        reward: 'free-appetizer',
        points: 30,
      },
    ];
  },
  membership(p) {
    p.membership = {
      id: 'plus', name: 'Plus', fee_minor: 1990, period: 'month', trial_days: 30, grace_days: 3,
      benefits: [{ en: 'A free latte every week', es: 'Un latte gratis cada semana' }, 'free_shipping'],
    };
    p.rewards.push(
      { id: 'plus-latte', name: { en: 'Plus latte', es: 'Latte Plus' }, type: 'free_item', cost: 50, match: { categories: ['coffee'] }, audience: { membership: true } },
      { id: 'veteran', name: { en: "Veteran's treat", es: 'Premio veterano' }, type: 'fixed_discount', cost: 60, amount_minor: 500, audience: { min_member_days: 365 } },
    );
  },
  requires(p) {
    p.rewards.push({ id: 'pastry-deal', name: { en: 'Free pastry with three coffees', es: 'Pan dulce gratis con tres cafés' }, type: 'free_item', cost: 10, match: { categories: ['pastries'] }, requires: { match: { categories: ['coffee'] }, min_quantity: 3 } });
  },
  frequency(p) {
    p.rewards.push(
      { id: 'regulars', name: { en: 'Regulars\' croissant', es: 'Croissant del cliente fiel' }, type: 'free_item', cost: 30, match: { categories: ['pastries'] }, audience: { min_orders: { count: 3, days: 30 } } },
      { id: 'welcome-back', name: { en: 'Welcome back coffee', es: 'Café de bienvenida' }, type: 'free_item', cost: 30, match: { categories: ['coffee'] }, audience: { lapsed_days: 60 } },
    );
  },
  segments(p) {
    p.segments = [{ id: 'pastry-lovers', name: { en: 'Pastry lovers', es: 'Amantes del pan dulce' }, bought: { categories: ['pastries'] } }];
    p.rewards.push({ id: 'baker', name: { en: "Baker's dozen", es: 'Docena del panadero' }, type: 'free_item', cost: 20, match: { categories: ['pastries'] }, audience: { segments: ['pastry-lovers'] } });
  },
  cashback(p) {
    p.earn.push({ id: 'cb', name: { en: '5% back in store credit', es: '5 % de vuelta en saldo' }, type: 'cashback', percent: '5' });
    p.rewards.push({ id: 'store-credit', name: { en: 'Store credit', es: 'Saldo a favor' }, type: 'store_credit_spend', cost: 0 });
  },
};

/** The whole program: the base with every part. */
export function engageProgram() {
  const p = baseProgram();
  for (const add of Object.values(PARTS)) add(p);
  return p;
}
